"""An offline replica of the parts of huggingface.co llmbench uses, served on loopback (`python -m llmbench.replica`).

It answers as the real service does, not as the client expects, so it imports nothing from the rest of llmbench.

- `server.py`: `Replica` / `ReplicaThread`, its four origins (Hub, leaderboard app, v1 board app, LFS
  storage/CDN) and their fault and rate-limit middleware; `faults.py`, `ratelimit.py`, `tls.py` configure
  them; `request_log.py` records what they were asked.
- `provenance.py`: the `X-Llmbench-Replica` header on API answers: which fields the replica made up.
- `catalog.py`: every repo of the replica's Hub, indexed by id and sort order; `appkeys.py`: what routes read
  from the application.
- `repos/`: how each model repo is made (records, synthesis from the board's rows, licenses, ids, card/config,
  its git history in `revisions.py`).
- `hub_api/`: `/api/models` listing and model info, pagination, fields/expand, access and gating answers;
  `trees.py`: revisions, commits, trees, refs, paths-info of models and datasets; `blobs.py`: `blobs=true`.
- `files/`: the resolvers (`/resolve/`, `/raw/`), a repo's files at a commit (`snapshots.py`) and the
  storage/CDN origin LFS downloads redirect to.
- `pages/`: the HTML model pages and the route for everything under `/{owner}/{name}`.
- `leaderboard/`: the Open LLM Leaderboard Space page and runtime, its app origin, its board snapshot; the
  archived v1 board's Gradio app origin and Space page (`v1_space.py`).
- `evals/`: Community Evals: benchmark datasets, per-model results, their endpoints.

Imports run one way: the server → routes (hub_api, files, pages, leaderboard, evals) → catalog → repos and data.
"""
