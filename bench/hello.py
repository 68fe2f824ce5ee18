"""A bare Flask "hello world": the ceiling for any Flask page on this machine, served the same way as PPI by
`bench/pages.py` (`gunicorn bench.hello:app`)."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
