"""The sandbox's files under `.linkyard/`: the development key and what `linkyard up --sandbox` last printed."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from linkyard.config import DATA_DIR
from linkyard.files import PRIVATE_FILE, private_folder, report_tightened, tighten_file

SANDBOX_DIR = Path(DATA_DIR)
DEV_KEY_FILE = "dev.key"
STATE_FILE = "sandbox.json"


@dataclass(frozen=True, slots=True, kw_only=True)
class SandboxInfo:
    """What `linkyard up --sandbox` set up; saved (0600: it holds an API key) for `linkyard demo`."""

    api_url: str
    api_key: str
    emulator_url: str
    project_id: str
    profile_id: str
    connect_link: str
    admin_email: str
    redirect_uri: str
    emulator_control_token: str | None = None
    """The token of the emulator's control API, when `up` gave it one (a non-loopback `--host`)."""

    def __repr__(self) -> str:
        return f"SandboxInfo(api_url={self.api_url!r}, project_id={self.project_id!r})"


def ensure_dev_key(directory: Path = SANDBOX_DIR) -> tuple[str, bool]:
    """The development key entry in `directory/dev.key`, created (0600, its folder 0700) when missing;
    `(entry, created)`. A key file or folder open to other users is made private (with one log line)."""
    from linkyard.services.keys import generate_key_entry

    path = directory / DEV_KEY_FILE
    report_tightened([directory] if private_folder(directory) else [])
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, PRIVATE_FILE)
    except FileExistsError:
        report_tightened([path] if tighten_file(path) else [])
        return path.read_text(encoding="ascii").strip(), False
    entry = generate_key_entry("dev")
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(entry + "\n")
    return entry, True


def write_private(path: Path, text: str) -> None:
    """Replace `path` atomically with a file only its owner can read (in a folder only its owner can open)."""
    report_tightened([path.parent] if private_folder(path.parent) else [])
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)  # left by a run that died mid-write, perhaps with another mode
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, PRIVATE_FILE)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)
    os.replace(temporary, path)


def save_sandbox_info(info: SandboxInfo, directory: Path = SANDBOX_DIR) -> Path:
    path = directory / STATE_FILE
    write_private(path, json.dumps(asdict(info), indent=2) + "\n")
    return path


def load_sandbox_info(directory: Path = SANDBOX_DIR) -> SandboxInfo | None:
    """What the last `linkyard up --sandbox` saved, or None (no file, or a file from another version)."""
    try:
        data = json.loads((directory / STATE_FILE).read_text(encoding="utf-8"))
        return SandboxInfo(**data)
    except (OSError, ValueError, TypeError):
        return None
