"""huggingface_hub 2.x as the judge of the replica's revisions, trees, refs and paths-info (docs/hub-api.md §12),
over https, anonymously, with a granted token and with a token that was not granted gated access.

Each expectation names where the real Hub's behaviour comes from: the client's source (huggingface_hub/hf_api.py,
utils/_http.py `hf_raise_for_status`) or docs/hub-api.md §7/§12.
"""

from __future__ import annotations

import hashlib
import ssl
from pathlib import Path

import httpx2
import pytest
from huggingface_hub import (
    HfApi,
    HfFileSystem,
    get_hf_file_metadata,
    hf_hub_download,
    hf_hub_url,
    snapshot_download,
)
from huggingface_hub.errors import (
    EntryNotFoundError,
    GatedRepoError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)

from llmbench.replica.repos.revisions import HISTORY_REPOS, synthetic_sha

GRANTED, OTHER = "hf_granted", "hf_other_user"
TOKENS = [False, GRANTED, OTHER]  # anonymous, granted, not granted
GPT2 = "openai-community/gpt2"
UNKNOWN = ["no-such-branch", "v9.9", "0" * 40, "deadbeef"]  # a branch, a tag, a full and a short sha


@pytest.fixture(scope="module")
def hub(catalog, replica_certificate):
    from llmbench.replica.ratelimit import RateLimitConfig
    from llmbench.replica.server import ReplicaThread

    with ReplicaThread(catalog=catalog, limits=RateLimitConfig(enabled=False), granted_tokens=[GRANTED],
                       certificate=replica_certificate) as running:
        assert running.hub_url.startswith("https://")
        yield running


def api(hub, token) -> HfApi:
    return HfApi(endpoint=hub.hub_url, token=token)


@pytest.fixture(scope="module")
def gated(catalog):
    return next(r for r in catalog.real_records if r.api["gated"] and r.config_file)


def old_sha(repo_id: str) -> str:
    return synthetic_sha(repo_id, "upload")


# -- revisions ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("token", TOKENS)
def test_revision_exists(hub, gated, token):
    # hf_api.py `revision_exists`: True when repo_info(revision=…) answers, False on RevisionNotFoundError.
    client = api(hub, token)
    head = client.model_info(GPT2).sha
    for real in ("main", "v1.0", "refs/pr/1", head, head[:7], old_sha(GPT2)):
        assert client.revision_exists("gpt2", real), real
    for unknown in UNKNOWN:
        assert not client.revision_exists(GPT2, unknown), unknown
    # a gated repo's info is public (docs/hub-api.md §7), at any revision
    assert client.revision_exists(gated.repo_id, "main") and not client.revision_exists(gated.repo_id, "nope")


@pytest.mark.parametrize("token", TOKENS)
def test_unknown_revision_is_revision_not_found_on_api_commits_and_resolvers(hub, token, tmp_path):
    # The Hub's answer (docs/hub-api.md §12): 404, X-Error-Code RevisionNotFound, "Invalid rev id: …";
    # hf_raise_for_status maps the code to RevisionNotFoundError before anything else.
    client = api(hub, token)
    for unknown in UNKNOWN:
        with pytest.raises(RevisionNotFoundError) as caught:
            client.model_info(GPT2, revision=unknown)
        response = caught.value.response
        assert response.status_code == 404 and response.headers["X-Error-Code"] == "RevisionNotFound"
        assert response.json() == {"error": f"Invalid rev id: {unknown}"}
        with pytest.raises(RevisionNotFoundError):
            client.list_repo_commits(GPT2, revision=unknown)
        with pytest.raises(RevisionNotFoundError):
            list(client.list_repo_tree(GPT2, revision=unknown))
        with pytest.raises(RevisionNotFoundError):
            client.get_paths_info(GPT2, ["config.json"], revision=unknown)
        with pytest.raises(RevisionNotFoundError):
            hf_hub_download(GPT2, "config.json", revision=unknown, endpoint=hub.hub_url, token=token,
                            cache_dir=tmp_path)
    with pytest.raises(RevisionNotFoundError):
        list(client.list_repo_tree("open-llm-leaderboard/contents", repo_type="dataset", revision="nope"))


@pytest.mark.parametrize("repo_id", HISTORY_REPOS)
def test_model_info_at_an_older_sha_answers_that_commit(hub, catalog, repo_id):
    client = api(hub, GRANTED)
    main = client.model_info(repo_id)
    old = client.model_info(repo_id, revision=old_sha(repo_id))
    assert old.sha == old_sha(repo_id) != main.sha and old.last_modified < main.last_modified
    assert client.model_info(repo_id, revision="v1.0").sha == old.sha
    assert client.model_info(repo_id, revision=main.sha[:10]).sha == main.sha


@pytest.mark.parametrize("token", TOKENS)
def test_hf_hub_download_at_an_older_sha_and_a_pr_ref(hub, token, tmp_path):
    # file_download.py: the snapshot folder is named by X-Repo-Commit, so a pinned sha gets its own files.
    kwargs = {"endpoint": hub.hub_url, "token": token, "cache_dir": tmp_path}
    main = Path(hf_hub_download(GPT2, "README.md", **kwargs))
    old = Path(hf_hub_download(GPT2, "README.md", revision=old_sha(GPT2), **kwargs))
    pull = Path(hf_hub_download(GPT2, "README.md", revision="refs/pr/1", **kwargs))
    assert old.parent.name == old_sha(GPT2) and pull.parent.name == synthetic_sha(GPT2, "refs/pr/1")
    assert len({main.read_text(), old.read_text(), pull.read_text()}) == 3
    config = Path(hf_hub_download(GPT2, "config.json", revision="v1.0", **kwargs))
    assert config.parent.name == old_sha(GPT2)


# -- commits, refs -------------------------------------------------------------------------------------
@pytest.mark.parametrize("token", TOKENS)
def test_list_repo_commits(hub, token):
    # hf_api.py `list_repo_commits`: newest first, paginated through `Link`.
    client = api(hub, token)
    head = client.model_info(GPT2).sha
    assert [c.commit_id for c in client.list_repo_commits("gpt2")] == [head, old_sha(GPT2)]
    assert [c.commit_id for c in client.list_repo_commits(GPT2, revision="refs/pr/1")][1:] == [head, old_sha(GPT2)]
    assert [c.commit_id for c in client.list_repo_commits(GPT2, revision=old_sha(GPT2))] == [old_sha(GPT2)]
    history = client.list_repo_commits(GPT2)
    assert history[0].created_at > history[1].created_at and history[0].title == "Update README.md"


def test_commits_of_a_gated_repo(hub, gated):
    # Recorded (docs/hub-api.md §7): commits of a gated repo answer like its files, 401/403 GatedRepo.
    for token in (False, OTHER):
        with pytest.raises(GatedRepoError):
            api(hub, token).list_repo_commits(gated.repo_id)
    assert api(hub, GRANTED).list_repo_commits(gated.repo_id)[0].commit_id == gated.api["sha"]


@pytest.mark.parametrize("token", TOKENS)
def test_list_repo_refs(hub, token):
    # hf_api.py `list_repo_refs`: `pullRequests` is read only with include_pull_requests (`include_prs=1`).
    client = api(hub, token)
    head = client.model_info(GPT2).sha
    refs = client.list_repo_refs("gpt2", include_pull_requests=True)
    assert [(b.name, b.ref, b.target_commit) for b in refs.branches] == [("main", "refs/heads/main", head)]
    assert [(t.name, t.ref, t.target_commit) for t in refs.tags] == [("v1.0", "refs/tags/v1.0", old_sha(GPT2))]
    assert [(p.name, p.ref) for p in refs.pull_requests] == [("1", "refs/pr/1")]
    assert refs.converts == []
    assert client.list_repo_refs(GPT2).pull_requests is None
    plain = client.list_repo_refs("open-llm-leaderboard/contents", repo_type="dataset")
    assert [b.name for b in plain.branches] == ["main"] and plain.tags == []


# -- trees, paths-info, files metadata ----------------------------------------------------------------------
@pytest.mark.parametrize("token", TOKENS)
def test_list_repo_files_and_tree_of_a_gated_repo_are_public(hub, gated, token):
    # docs/hub-api.md §12: a gated repo's file list is public; only its files' bytes are gated.
    client = api(hub, token)
    files = client.list_repo_files(gated.repo_id)
    assert files == sorted(s["rfilename"] for s in gated.api["siblings"])
    assert {e.path for e in client.get_paths_info(gated.repo_id, files)} == set(files)


@pytest.mark.parametrize("token", [False, OTHER])
def test_unknown_repo_tree_refs_paths_info(hub, token):
    # Anonymously 401 without a code, with a token 404 RepoNotFound: both RepositoryNotFoundError over https
    # (utils/_http.py REPO_API_REGEX).
    client = api(hub, token)
    with pytest.raises(RepositoryNotFoundError):
        list(client.list_repo_tree("nobody/nothing"))
    with pytest.raises(RepositoryNotFoundError):
        client.list_repo_refs("nobody/nothing")
    with pytest.raises(RepositoryNotFoundError):
        client.get_paths_info("nobody/nothing", ["x"])


def test_list_repo_tree_recursive_expand_and_paths(hub):
    client = api(hub, False)
    root = list(client.list_repo_tree("open-llm-leaderboard/contents", repo_type="dataset"))
    assert [(type(e).__name__, e.path) for e in root] == [("RepoFolder", "data")]
    deep = list(client.list_repo_tree("open-llm-leaderboard/contents", repo_type="dataset", recursive=True))
    assert [e.path for e in deep] == ["data", "data/train-00000-of-00001.parquet"]
    inside = list(client.list_repo_tree("open-llm-leaderboard/contents", "data", repo_type="dataset"))
    assert [e.path for e in inside] == ["data/train-00000-of-00001.parquet"]  # paths stay relative to the root
    with pytest.raises(EntryNotFoundError):  # a path that is a file, not a folder: 404 (list_repo_tree docs)
        list(client.list_repo_tree(GPT2, "config.json"))
    expanded = {e.path: e for e in client.list_repo_tree(GPT2, expand=True)}
    head = client.model_info(GPT2).sha
    assert expanded["README.md"].last_commit.oid == head  # the card changed in the last commit
    assert expanded["config.json"].last_commit.oid == old_sha(GPT2)
    assert all(e.security.safe for e in expanded.values())


def test_list_repo_tree_paginates_at_50_with_expand(hub, catalog):
    # list_repo_tree docs: with `expand` the Hub returns 50 entries per page, the next page in `Link`.
    record = max(catalog.real_records, key=lambda r: len(r.api["siblings"]))
    count = len(list(api(hub, False).list_repo_tree(record.repo_id)))  # 1000 a page: one request
    assert count > 100
    hub.log.clear()
    entries = list(api(hub, False).list_repo_tree(record.repo_id, expand=True))
    assert len(entries) == len({e.path for e in entries}) == count
    pages = [r for r in hub.log.records if "/tree/" in r.path_qs]
    assert len(pages) == -(-count // 50) and all(r.status == 200 for r in pages)
    assert all(e.last_commit is not None for e in entries)


def test_get_paths_info(hub):
    # hf_api.py `get_paths_info`: form-encoded `paths` and `expand`; paths that do not exist are left out.
    client = api(hub, False)
    infos = client.get_paths_info(GPT2, ["README.md", "missing.txt", "config.json"], revision="v1.0")
    assert [i.path for i in infos] == ["README.md", "config.json"] and infos[0].last_commit is None
    expanded = client.get_paths_info(GPT2, "README.md", expand=True, revision="refs/pr/1")
    assert expanded[0].last_commit.oid == synthetic_sha(GPT2, "refs/pr/1") and expanded[0].security.safe
    folder = client.get_paths_info("open-llm-leaderboard/contents", ["data"], repo_type="dataset")
    assert type(folder[0]).__name__ == "RepoFolder"
    as_json = httpx2.post(f"{hub.hub_url}/api/models/{GPT2}/paths-info/main", json={"paths": ["config.json"]},
                          verify=ssl.create_default_context(cafile=hub.ca_file))
    assert [e["path"] for e in as_json.json()] == ["config.json"]


@pytest.mark.parametrize("token", TOKENS)
def test_files_metadata_and_security_status(hub, token, tmp_path):
    # hf_api.py ModelInfo: `blobs=true` siblings carry size, blobId, lfs {sha256, size, pointerSize};
    # `securityStatus=true` gives `securityRepoStatus`.
    client = api(hub, token)
    info = client.model_info(GPT2, files_metadata=True, securityStatus=True)
    assert info.security_repo_status == {"scansDone": True, "filesWithIssues": []}
    for sibling in info.siblings:
        if sibling.lfs is not None:
            # An LFS file (gpt2's 548 MB of weights) is not downloaded: the resolver's HEAD answer names its
            # sha256 and size (X-Linked-Etag / X-Linked-Size, read by get_hf_file_metadata), as the Hub's does.
            meta = get_hf_file_metadata(hf_hub_url(GPT2, sibling.rfilename, endpoint=hub.hub_url), token=token)
            assert (sibling.lfs.sha256, sibling.lfs.size, sibling.size) == (meta.etag, meta.size, meta.size)
            continue
        content = Path(hf_hub_download(GPT2, sibling.rfilename, endpoint=hub.hub_url, token=token,
                                       cache_dir=tmp_path)).read_bytes()
        assert sibling.size == len(content)
        assert sibling.blob_id == hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()
    assert any(s.lfs is not None for s in info.siblings)
    assert client.model_info(GPT2).siblings[0].size is None  # without blobs: names only


@pytest.mark.parametrize("token", TOKENS)
def test_snapshot_download_with_a_cold_cache(hub, gated, token, tmp_path):
    # Weights are left out (allow_patterns): the replica's are real-sized (gpt2: 548 MB of F32).
    small = {"allow_patterns": ["*.json", "*.md", ".gitattributes"]}
    folder = Path(snapshot_download(GPT2, endpoint=hub.hub_url, token=token, cache_dir=tmp_path / "main", **small))
    files = api(hub, token).list_repo_files(GPT2)
    assert sorted(p.name for p in folder.iterdir()) == sorted(f for f in files if not f.endswith(".safetensors"))
    assert any(f.endswith(".safetensors") for f in files)
    pinned = Path(snapshot_download(GPT2, revision=old_sha(GPT2), endpoint=hub.hub_url, token=token,
                                    cache_dir=tmp_path / "old", **small))
    assert pinned.name == old_sha(GPT2) and (pinned / "README.md").read_text() != (folder / "README.md").read_text()
    if token == GRANTED:
        assert Path(snapshot_download(gated.repo_id, endpoint=hub.hub_url, token=token, cache_dir=tmp_path,
                                      **small)).is_dir()
    else:
        with pytest.raises(GatedRepoError):
            snapshot_download(gated.repo_id, endpoint=hub.hub_url, token=token, cache_dir=tmp_path, **small)


@pytest.mark.parametrize("token", TOKENS)
def test_hf_file_system_ls_open_read(hub, gated, token):
    fs = HfFileSystem(endpoint=hub.hub_url, token=token, skip_instance_cache=True)
    assert fs.ls(GPT2, detail=False) == [f"{GPT2}/{p}" for p in api(hub, token).list_repo_files(GPT2)]
    with fs.open(f"{GPT2}/config.json") as handle:
        assert handle.read().startswith(b"{")
    old = fs.read_text(f"{GPT2}@{old_sha(GPT2)}/README.md")
    assert old != fs.read_text(f"{GPT2}/README.md") and "first uploaded" in old
    assert "pull request #1" in fs.read_text(f"{GPT2}@refs/pr/1/README.md")
    assert fs.ls("datasets/open-llm-leaderboard/contents/data", detail=False) == [
        "datasets/open-llm-leaderboard/contents/data/train-00000-of-00001.parquet"]
    assert fs.ls(gated.repo_id, detail=False)  # listing is public
    if token != GRANTED:
        with pytest.raises(GatedRepoError):
            fs.read_bytes(f"{gated.repo_id}/config.json")
    with pytest.raises(FileNotFoundError):  # HfFileSystem turns RevisionNotFoundError into FileNotFoundError
        fs.ls(f"{GPT2}@no-such-branch")
