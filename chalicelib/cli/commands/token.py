"""`token`: prints an HS256 token for local use, signed with AUTH_JWT_SECRET."""

from __future__ import annotations

import argparse
import sys

from chalicelib.cli.commands import Subparsers

DEFAULT_TTL_SECONDS = 3600


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "token",
        help="print an HS256 token (needs AUTH_JWT_SECRET)",
        description="Prints a token the local API accepts. Issuer and audience come from "
        "AUTH_ISSUER and AUTH_AUDIENCE, defaulting to rapport-local and rapport.",
    )
    parser.add_argument("--tenant", required=True, help="tenant id")
    parser.add_argument("--user", required=True, help="user id (the token's sub)")
    parser.add_argument("--email", required=True, help="where reminders go")
    parser.add_argument(
        "--roles",
        action="append",
        default=[],
        metavar="ROLE[,ROLE]",
        help="roles such as coach; comma-separated or repeated",
    )
    parser.add_argument(
        "--ttl", type=int, default=DEFAULT_TTL_SECONDS, metavar="S", help="lifetime in seconds"
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from chalicelib.auth.minting import LOCAL_AUDIENCE, LOCAL_ISSUER, mint_token
    from chalicelib.clock import SystemClock
    from chalicelib.settings import Settings

    settings = Settings.from_env()
    if not settings.auth_jwt_secret:
        print(
            "token: AUTH_JWT_SECRET is not set; export a secret of at least 32 bytes, "
            "the same one the API verifies with",
            file=sys.stderr,
        )
        return 2
    roles = [role.strip() for group in args.roles for role in group.split(",") if role.strip()]
    try:
        token = mint_token(
            settings.auth_jwt_secret,
            tenant=args.tenant,
            user=args.user,
            email=args.email,
            roles=roles,
            ttl_seconds=args.ttl,
            now=SystemClock().now(),
            issuer=settings.auth_issuer or LOCAL_ISSUER,
            audience=settings.auth_audience or LOCAL_AUDIENCE,
        )
    except ValueError as error:
        print(f"token: {error}", file=sys.stderr)
        return 2
    print(token)
    return 0
