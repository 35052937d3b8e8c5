"""`python -m llmbench.replica`: serve the offline replica of huggingface.co until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import sys

from .faults import LEADERBOARD_MODES, FaultConfig
from .leaderboard.space import SPACE_STAGES
from .ratelimit import ANONYMOUS, RateLimitConfig
from .server import Replica


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m llmbench.replica",
        description="Offline replica of the parts of huggingface.co llmbench uses (Hub API, model pages, "
        "Open LLM Leaderboard). Prints `export` lines that point llmbench at it.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="Hub origin port (0 = any free port)")
    parser.add_argument("--app-port", type=int, default=0, help="leaderboard app origin port (0 = any)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic Hub fields")
    parser.add_argument("--extra-models", type=int, default=0, help="synthetic filler repos for scale tests")
    scheme = parser.add_mutually_exclusive_group()
    scheme.add_argument("--tls", action="store_true", default=True,
                        help="serve https with a throwaway self-signed certificate, whose PEM file is printed "
                        "for SSL_CERT_FILE (the default)")
    scheme.add_argument("--plain-http", dest="tls", action="store_false",
                        help="serve plain http instead (some clients then behave unlike against huggingface.co)")
    parser.add_argument("--granted-token", action="append", default=[], metavar="TOKEN",
                        help="a bearer token granted access to gated repos (repeatable); other tokens get 403")
    faults = parser.add_argument_group("faults")
    faults.add_argument("--latency", type=float, default=0.0, help="seconds added to every response")
    faults.add_argument("--jitter", type=float, default=0.0, help="plus up to this many seconds at random")
    faults.add_argument("--error-rate", type=float, default=0.0, help="share of Hub responses that are 5xx")
    faults.add_argument("--error-status", type=int, default=503)
    faults.add_argument("--stall-rate", type=float, default=0.0, help="share of Hub responses that stall")
    faults.add_argument("--stall-seconds", type=float, default=60.0)
    faults.add_argument("--malformed-rate", type=float, default=0.0, help="share of JSON bodies cut in half")
    faults.add_argument("--fault-path", default=None, help="regex: only matching paths get faults")
    faults.add_argument("--fault-after", type=int, default=0, help="first N matching requests are spared")
    faults.add_argument("--oversize-bytes", type=int, default=0, metavar="BYTES",
                        help="hostile: matching 200 answers stream this many bytes (their document, then spaces), "
                        "chunked without Content-Length (off: 0)")
    faults.add_argument("--gzip-bomb-bytes", type=int, default=0, metavar="BYTES",
                        help="hostile: matching 200 answers are their document padded to this many bytes, "
                        "gzip-compressed (~1 KiB per MiB; off: 0)")
    faults.add_argument("--yaml-bomb", action="store_true",
                        help="hostile: matching eval.yaml answers are a YAML alias bomb (9**9 strings, 0.5 KB)")
    faults.add_argument("--leaderboard-mode", choices=LEADERBOARD_MODES, default="normal",
                        help="endpoint-renamed: data endpoint moved; layout-changed: table markup changed too; "
                        "app-down: the app origin answers 503; data-cut: the data response is cut in half")
    faults.add_argument("--space-stage", choices=SPACE_STAGES, default="RUNNING",
                        help="the leaderboard Space's runtime stage; its page shows the app only when RUNNING")
    faults.add_argument("--space-ready-after", type=float, default=None, metavar="SECONDS",
                        help="BUILDING/APP_STARTING become RUNNING this long after the first runtime request")
    limits = parser.add_argument_group("rate limits (Hub, per 5-minute fixed window by default)")
    limits.add_argument("--no-rate-limit", action="store_true", help="serve without quotas")
    limits.add_argument("--window", type=float, default=300.0, help="window length in seconds")
    for bucket, quota in ANONYMOUS.items():
        limits.add_argument(f"--{bucket}-quota", type=int, default=quota,
                            help=f"anonymous {bucket} requests per window (default {quota})")
    limits.add_argument("--no-ratelimit-headers", action="store_true",
                        help="429s and responses without RateLimit headers (CloudFront-style)")
    return parser


def replica_from_args(args: argparse.Namespace) -> Replica:
    faults = FaultConfig(latency=args.latency, jitter=args.jitter, error_rate=args.error_rate,
                         error_status=args.error_status, stall_rate=args.stall_rate,
                         stall_seconds=args.stall_seconds, malformed_rate=args.malformed_rate,
                         path=args.fault_path, after=args.fault_after, oversize_bytes=args.oversize_bytes,
                         gzip_bomb_bytes=args.gzip_bomb_bytes, yaml_bomb=args.yaml_bomb,
                         leaderboard_mode=args.leaderboard_mode, seed=args.seed)
    anonymous = {bucket: getattr(args, f"{bucket}_quota") for bucket in ANONYMOUS}
    limits = RateLimitConfig(enabled=not args.no_rate_limit, window=args.window, anonymous=anonymous,
                             send_headers=not args.no_ratelimit_headers)
    limits.authenticated = {b: max(q, limits.authenticated[b] * q // ANONYMOUS[b]) for b, q in anonymous.items()}
    return Replica(host=args.host, port=args.port, app_port=args.app_port, faults=faults, limits=limits,
                   extra_models=args.extra_models, seed=args.seed, granted_tokens=args.granted_token,
                   tls=args.tls, space_stage=args.space_stage, space_ready_after=args.space_ready_after)


async def serve(replica: Replica) -> None:
    await replica.start()
    print(f"llmbench replica serving {len(replica.catalog):,} Hub repos and the leaderboard")
    print(f"  Hub:             {replica.hub_url}")
    print(f"  Leaderboard:     {replica.leaderboard_url}")
    print(f"  Leaderboard app: {replica.app_url}")
    print(f"  v1 board app:    {replica.v1_app_url}")
    print(f"  LFS storage/CDN: {replica.cdn_url}")
    if replica.ca_file:
        print(f"  TLS certificate: {replica.ca_file}")
    print("Point llmbench at it (trusting its certificate, not turning verification off) with:")
    for line in replica.export_lines():
        print(line)
    print("Press Ctrl-C to stop.", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await replica.stop()


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        asyncio.run(serve(replica_from_args(args)))
    except KeyboardInterrupt:
        print("replica stopped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
