"""The transcription system's shared job model: what the APIs accept and report and the workers
process. Standard library only. Services get it through the `job-models` build context."""
from dataclasses import asdict, dataclass, field
from enum import Enum
import time
import uuid

VERSION = "1"


class JobState(str, Enum):
    QUEUED = "queued"
    TRANSCRIBING = "transcribing"
    SUMMARISING = "summarising"
    DONE = "done"
    FAILED = "failed"


@dataclass
class Job:
    audio_url: str
    state: JobState = JobState.QUEUED
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    created: float = field(default_factory=time.time)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["state"] = self.state.value
        return d


def describe() -> dict:
    """What a service reports about the model it was built with (GET /)."""
    return {"version": VERSION, "states": [s.value for s in JobState]}
