"""Development server runner: restarts `python <script>` whenever a .py file beside it changes.

Standard library only (polling, which also sees edits made through bind mounts), so the
development image needs no watcher package. Usage: python reload.py src/main.py
"""
import signal
import subprocess
import sys
import time
from pathlib import Path


def snapshot(root: Path) -> dict:
    return {p: p.stat().st_mtime_ns for p in root.rglob("*.py") if p.is_file()}


def main() -> None:
    script = Path(sys.argv[1])
    root = script.parent
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    child = None
    try:
        while True:
            seen = snapshot(root)
            child = subprocess.Popen([sys.executable, str(script), *sys.argv[2:]])
            while snapshot(root) == seen:
                time.sleep(0.5)
            print(f"reload: change under {root}/, restarting", flush=True)
            child.terminate()
            child.wait()
    finally:
        if child and child.poll() is None:
            child.terminate()


if __name__ == "__main__":
    main()
