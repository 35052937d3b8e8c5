"""An offline replica of the parts of huggingface.co llmbench uses, served on loopback (`python -m llmbench.replica`).

It answers as the real service does, not as the client expects, so it imports nothing from the rest of llmbench.

- `server.py`: `Replica` / `ReplicaThread`, its three origins (Hub, leaderboard app, LFS storage/CDN) and their
  fault and rate-limit middleware; `faults.py`, `ratelimit.py`, `tls.py` configure them; `request_log.py` records
  what they were asked.
- `provenance.py`: the `X-Llmbench-Replica` header on API answers: which fields the replica made up.
- `catalog.py`: every repo of the replica's Hub, indexed by id and sort order; `appkeys.py`: what routes read
  from the application.
- `repos/`: how each model repo is made (records, synthesis from the board's rows, licenses, ids, card/config).
- `hub_api/`: `/api/models` listing and model info, pagination, fields/expand, access and gating answers.
- `files/`: the resolvers (`/resolve/`, `/raw/`) and the storage/CDN origin LFS downloads redirect to.
- `pages/`: the HTML model pages and the route for everything under `/{owner}/{name}`.
- `leaderboard/`: the Open LLM Leaderboard Space page and runtime, its app origin, its board snapshot.
- `evals/`: Community Evals: benchmark datasets, per-model results, their endpoints.

Imports run one way: the server → routes (hub_api, files, pages, leaderboard, evals) → catalog → repos and data.
"""
