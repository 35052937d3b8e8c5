"""A replica repo's git history: its commits, refs (branches, tags, pull requests) and which revision
names resolve to which commit.

Real: the head sha of a leaderboard repo (the board's `model_sha`). **Synthetic** (deterministic, no
seed): every other commit. Most repos have one commit, their head. The repos in `HISTORY_REPOS` have
two commits on `main` (an upload, then "Update README.md" that changed only the card), a tag `v1.0`
on the upload, and an open pull request `refs/pr/1` on top of main that edits the card again, so a
client pinning an older sha or a PR ref gets that commit's files (docs/hub-api.md §12).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

# Repos given a longer history (only those present in the catalogue get it).
HISTORY_REPOS = ("openai-community/gpt2", "Qwen/Qwen2.5-7B-Instruct", "mistralai/Mistral-7B-v0.1",
                 "google/gemma-2-9b")
# huggingface_hub quotes revisions (`refs%2Fpr%2F1`) but the server sees them decoded: these ref
# namespaces take three path segments in a resolver or tree URL.
MULTI_SEGMENT_REFS = ("refs/pr/", "refs/convert/")
OLD_CARD_NOTE = "\n<!-- card as first uploaded; main has since updated it -->\n"
PR_CARD_NOTE = "\n## Evaluation\n\nProposed in pull request #1 (not merged).\n"


@dataclass(frozen=True)
class Commit:
    """One commit: its sha, what `/commits/` shows of it, and the files whose bytes differ from main's head."""

    id: str
    title: str
    date: str  # ISO, as the Hub writes dates
    authors: tuple[str, ...]
    parents: tuple[str, ...] = ()
    card_note: str | None = None  # None: the head's README; else this text replaces the head card's last line


@dataclass(frozen=True)
class History:
    """The commits of one repo by sha, and its refs (each name → a commit sha)."""

    commits: dict[str, Commit]
    branches: dict[str, str]
    tags: dict[str, str] = field(default_factory=dict)
    pull_requests: dict[str, str] = field(default_factory=dict)  # "refs/pr/1" → sha
    converts: dict[str, str] = field(default_factory=dict)  # "refs/convert/parquet" → sha

    @property
    def head(self) -> Commit:
        return self.commits[self.branches["main"]]

    def resolve(self, revision: str) -> Commit | None:
        """The commit `revision` names: a branch, a tag, a PR or convert ref, a full sha or a prefix of
        at least 7 hex digits (as `git rev-parse`); None when nothing matches (the Hub's 404)."""
        for refs in (self.branches, self.tags):
            if revision in refs:
                return self.commits[refs[revision]]
        for refs in (self.pull_requests, self.converts):
            if revision in refs:
                return self.commits[refs[revision]]
        if revision in self.commits:
            return self.commits[revision]
        if len(revision) >= 7 and all(c in "0123456789abcdef" for c in revision):
            found = [c for sha, c in self.commits.items() if sha.startswith(revision)]
            if len(found) == 1:
                return found[0]
        return None

    def log(self, start: Commit) -> list[Commit]:
        """`start` and its ancestors, newest first (`/commits/{rev}`)."""
        out = [start]
        while out[-1].parents:
            out.append(self.commits[out[-1].parents[0]])
        return out


def synthetic_sha(repo_id: str, label: str) -> str:
    return hashlib.sha1(f"{repo_id}@{label}".encode()).hexdigest()


def _shifted(iso_date: str, **delta: float) -> str:
    moment = datetime.strptime(iso_date, "%Y-%m-%dT%H:%M:%S.000Z").replace(tzinfo=UTC) + timedelta(**delta)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def history_of(repo_id: str, head_sha: str, *, author: str, created: str, modified: str,
               converts: tuple[str, ...] = ()) -> History:
    """The history of a repo whose main branch points at `head_sha` (see the module docstring)."""
    if repo_id not in HISTORY_REPOS:
        head = Commit(head_sha, "Upload folder using huggingface_hub", modified, (author,))
        return History({head_sha: head}, {"main": head_sha}, converts={f"refs/convert/{c}": head_sha for c in converts})
    upload_sha, pr_sha = synthetic_sha(repo_id, "upload"), synthetic_sha(repo_id, "refs/pr/1")
    upload = Commit(upload_sha, "Upload folder using huggingface_hub", created, (author,), card_note=OLD_CARD_NOTE)
    head = Commit(head_sha, "Update README.md", modified, (author,), parents=(upload_sha,))
    pull = Commit(pr_sha, "Add evaluation section to the model card", _shifted(modified, days=3),
                  ("community-contributor",), parents=(head_sha,), card_note=PR_CARD_NOTE)
    return History({c.id: c for c in (upload, head, pull)}, {"main": head_sha}, tags={"v1.0": upload_sha},
                   pull_requests={"refs/pr/1": pr_sha})


def split_revision(parts: list[str]) -> tuple[str, list[str]]:
    """`[refs, pr, 1, config.json]` → (`refs/pr/1`, [config.json]); `[main, a, b]` → (`main`, [a, b])."""
    if len(parts) >= 3 and f"{parts[0]}/{parts[1]}/" in MULTI_SEGMENT_REFS:
        return "/".join(parts[:3]), parts[3:]
    return (parts[0], parts[1:]) if parts else ("main", [])


def card_at(head_card: str, commit: Commit) -> str:
    """The README at `commit`: the head's card, or the card that commit had."""
    if commit.card_note is None:
        return head_card
    if commit.card_note == OLD_CARD_NOTE:
        body = head_card.rstrip("\n").rsplit("\n", 1)[0]  # the upload had the card without its last line
        return body + "\n" + OLD_CARD_NOTE
    return head_card + commit.card_note
