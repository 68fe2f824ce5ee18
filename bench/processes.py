"""Finding a server's worker processes in /proc (Linux): for the benchmark's memory figures and the ops tests."""
from pathlib import Path


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid`."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # ended meanwhile
            continue
        state_and_parent = text.rsplit(")", 1)[1].split()  # the command, in parentheses, may hold spaces
        if int(state_and_parent[1]) == pid:
            found.append(int(stat.parent.name))
    return sorted(found)
