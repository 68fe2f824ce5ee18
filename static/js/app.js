// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Move focus to the first field with an error so keyboard and screen-reader users land on it.
  function focusFirstError() {
    var invalid = document.querySelector('[aria-invalid="true"]');
    if (!invalid) { return; }
    var target = invalid.matches("fieldset") ? invalid.querySelector("input, select, textarea") : invalid;
    if (target) { target.focus(); }
  }

  // On sign-up, show only the fields for the chosen kind of organisation.
  function kindDependentFields() {
    var radios = document.querySelectorAll('input[name="kind"]');
    var groups = document.querySelectorAll(".kind-fields[data-kind]");
    if (!radios.length || !groups.length) { return; }
    function update() {
      var checked = document.querySelector('input[name="kind"]:checked');
      groups.forEach(function (group) {
        group.hidden = !checked || group.dataset.kind !== checked.value;
      });
    }
    radios.forEach(function (radio) { radio.addEventListener("change", update); });
    update();
  }

  // "Print" buttons (the report): inline handlers are not allowed by the content security policy.
  function printButtons() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    kindDependentFields();
    printButtons();
    focusFirstError();
  });
})();
