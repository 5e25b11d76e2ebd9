#!/usr/bin/env python3
"""Runs session affinity, sessions and snapshots against fc-local with the official Python SDK.

The SDK is `alibabacloud-fc20230330==4.8.3` (a client fc-rs did not write). A HEADER_FIELD
function's invocations carry the session header through `InvokeFunctionHeaders.common_headers`;
the session operations (Create/Get/Update/List/Pause/Resume/DeleteSession) and the snapshot
operations (Create/Get/List/DeleteSnapshot, CreateSession from a snapshot) go through the SDK's
own methods. Every check prints one line; the last line is `N passed, M failed` and the exit
status is non-zero when M > 0.

    python fc3_sessions_scenario.py --endpoint http://127.0.0.1:PORT \
        --access-key-id ID --access-key-secret SECRET
"""

import base64
import io
import json
import re
import sys
import time

from alibabacloud_fc20230330 import models as fc
from darabonba.runtime import RuntimeOptions

from official_sdk_scenario import (check, client, crc64_xz, error_code, header, make_zip,
                                   peer_arguments, read_body, run_checks)

SESSION_HEADER = "x-chat-session"
HEX32 = re.compile(r"^[0-9a-f]{32}$")

# Keeps a counter in memory and a note in the instance's TMPDIR.
HANDLER = (
    "import json, os\n"
    "count = 0\n"
    "def handler(event, context):\n"
    "    global count\n"
    "    count += 1\n"
    "    path = os.path.join(os.environ['TMPDIR'], 'note.txt')\n"
    "    data = json.loads(event) if event else {}\n"
    "    if 'write' in data:\n"
    "        with open(path, 'w') as f:\n"
    "            f.write(data['write'])\n"
    "    note = None\n"
    "    if os.path.exists(path):\n"
    "        with open(path) as f:\n"
    "            note = f.read()\n"
    "    return json.dumps({'count': count, 'instance': os.environ['FC_INSTANCE_ID'],\n"
    "                       'note': note})\n")


def function_input(name, affinity, config):
    package = make_zip(HANDLER)
    return fc.CreateFunctionInput(
        function_name=name, runtime="python3.10", handler="index.handler", memory_size=256,
        timeout=10, description="sessions", session_affinity=affinity,
        session_affinity_config=json.dumps(config),
        code=fc.InputCodeLocation(zip_file=base64.b64encode(package).decode(),
                                  checksum=str(crc64_xz(package))))


def refusal(call):
    """(status, code, message) of the error `call` raises, or (None, None, None)."""
    raised = []

    def keep():
        try:
            call()
        except Exception as err:  # the SDK raises its own exception types
            raised.append(err)
            raise

    status, code = error_code(keep)
    message = str(getattr(raised[0], "message", "") or raised[0]) if raised else None
    return status, code, message


def invoke(api, name, session=None, event=None, extra=None):
    """Invokes `name` (with `session` in the affinity header, and the `extra` headers) and
    returns (response, parsed body). `common_headers` is the SDK's way to send a header it has
    no field for (it is sent and signed); a fresh dict each call, as the SDK adds its x-fc-*
    headers to it."""
    sent = dict(extra or {})
    if session:
        sent[SESSION_HEADER] = session
    headers = fc.InvokeFunctionHeaders(common_headers=sent, x_fc_invocation_type="Sync")
    payload = json.dumps(event or {}).encode()
    response = api.invoke_function_with_options(
        name, fc.InvokeFunctionRequest(body=io.BytesIO(payload)), headers, RuntimeOptions())
    raw = read_body(response.body)
    try:
        return response, json.loads(raw)
    except ValueError:
        return response, {"raw": raw}


def new_session(api, name, **fields):
    return api.create_session(name, fc.CreateSessionRequest(
        body=fc.CreateSessionInput(**fields))).body


def get_session(api, name, session_id):
    return api.get_session(name, session_id, fc.GetSessionRequest()).body


def list_ids(api, name, **filters):
    body = api.list_sessions(name, fc.ListSessionsRequest(**filters)).body
    return [(s.session_id, s.session_status) for s in body.sessions or []]


def affinity_config(api, prefix):
    """The affinity header name's rules, checked at CreateFunction."""
    for bad, why in (("x-fc-chat", "starts with x-fc-"), ("abc", "is shorter than 5")):
        status, code, message = refusal(lambda: api.create_function(fc.CreateFunctionRequest(
            body=function_input(prefix + "bad", "HEADER_FIELD",
                                {"affinityHeaderFieldName": bad}))))
        check(f"CreateFunction with a header name that {why} is 400 InvalidArgument",
              (status, code) == (400, "InvalidArgument")
              and "affinityHeaderFieldName" in message, f"{status} {code} {message!r}")


def invocations(api, name):
    """Which instance an invocation runs on, by the session header it carries."""
    first, one = invoke(api, name, "alpha")
    second, two = invoke(api, name, "alpha")
    instance = header(first, "x-fc-instance-id")
    check("an invocation names its instance in x-fc-instance-id and FC_INSTANCE_ID",
          bool(instance) and one.get("instance") == instance, f"{instance} {one}")
    check("the same session id runs on the same instance, the counter going on",
          header(second, "x-fc-instance-id") == instance
          and (one.get("count"), two.get("count")) == (1, 2)
          and two.get("instance") == instance, f"{one} {two}")
    alpha = get_session(api, name, "alpha")
    check("the header sent through common_headers started session alpha on that instance",
          alpha.session_status == "Active" and alpha.container_id == instance,
          f"{alpha.session_status} {alpha.container_id}")

    _, other = invoke(api, name, "beta")
    check("a different session id runs on a different instance",
          other.get("instance") not in (None, instance) and other.get("count") == 1, other)

    plain, fresh = invoke(api, name)
    generated = header(plain, SESSION_HEADER) or ""
    check(f"an invocation without {SESSION_HEADER} is told a new 32-hex session id",
          bool(HEX32.match(generated)), f"{generated!r} {dict(plain.headers or {})}")
    _, again = invoke(api, name, generated)
    check("invoking with the told id runs on that session's instance",
          again.get("instance") == fresh.get("instance") and again.get("count") == 2,
          f"{fresh} {again}")
    return instance, generated


def sessions(api, name, cookie, suffix):
    """CreateSession, GetSession, UpdateSession; returns the created session's id and instance."""
    gamma = "gamma-" + suffix
    created = new_session(api, name, session_id=gamma, session_ttlin_seconds=600,
                          session_idle_timeout_in_seconds=300)
    check("CreateSession answers an Active session with its id, lifetimes and instance",
          created.session_id == gamma and created.session_status == "Active"
          and created.session_ttlin_seconds == 600
          and created.session_idle_timeout_in_seconds == 300
          and bool(created.container_id) and created.function_name == name,
          created.to_map())
    response, ran = invoke(api, name, gamma)
    check("invoking a created session runs on its containerId",
          header(response, "x-fc-instance-id") == created.container_id
          and ran.get("instance") == created.container_id and ran.get("count") == 1,
          f"{created.container_id} {ran}")
    status, code = error_code(lambda: new_session(api, name, session_id=gamma))
    check("CreateSession with a live id is 409 SessionAlreadyExists",
          (status, code) == (409, "SessionAlreadyExists"), f"{status} {code}")

    status, code = error_code(lambda: new_session(api, cookie, session_id="cookie-" + suffix))
    check("CreateSession with a sessionId on a GENERATED_COOKIE function is 400 InvalidArgument",
          (status, code) == (400, "InvalidArgument"), f"{status} {code}")
    made = new_session(api, cookie)
    check("CreateSession without an id on a GENERATED_COOKIE function makes a 32-hex id",
          bool(HEX32.match(made.session_id or "")) and made.session_status == "Active"
          and made.session_affinity_type == "GENERATED_COOKIE", made.to_map())

    response, first = invoke(api, cookie)
    cookie_id = re.match(r"x-fc-cookie-session-id=([0-9a-f]{32});",
                         header(response, "set-cookie") or "")
    _, second = invoke(api, cookie, extra={
        "cookie": "x-fc-cookie-session-id=" + (cookie_id.group(1) if cookie_id else "none")})
    check("a GENERATED_COOKIE invocation sets its session cookie; sending it back reuses the "
          "instance", cookie_id is not None and second.get("instance") == first.get("instance")
          and second.get("count") == 2, f"{header(response, 'set-cookie')!r} {first} {second}")

    got = get_session(api, name, gamma)
    check("GetSession returns the Active session and its instance",
          got.session_status == "Active" and got.container_id == created.container_id
          and got.session_id == gamma, got.to_map())
    status, code = error_code(lambda: get_session(api, name, "missing-" + suffix))
    check("GetSession of an unknown id is 404 SessionNotFound",
          (status, code) == (404, "SessionNotFound"), f"{status} {code}")

    updated = api.update_session(name, gamma, fc.UpdateSessionRequest(
        body=fc.UpdateSessionInput(session_ttlin_seconds=900,
                                   session_idle_timeout_in_seconds=120))).body
    reread = get_session(api, name, gamma)
    check("UpdateSession sets the TTL and idle timeout and keeps the instance",
          (updated.session_ttlin_seconds, updated.session_idle_timeout_in_seconds) == (900, 120)
          and (reread.session_ttlin_seconds, reread.session_idle_timeout_in_seconds)
          == (900, 120) and reread.container_id == created.container_id,
          f"{updated.to_map()} {reread.to_map()}")
    status, code = error_code(lambda: api.update_session(name, gamma, fc.UpdateSessionRequest(
        body=fc.UpdateSessionInput(session_ttlin_seconds=100,
                                   session_idle_timeout_in_seconds=200))))
    check("UpdateSession with an idle timeout above the TTL is 400 InvalidArgument",
          (status, code) == (400, "InvalidArgument"), f"{status} {code}")
    return gamma, created.container_id


def listing(api, name, expected):
    """ListSessions paging (oldest first) and its filters."""
    seen, token, pages = [], None, 0
    while True:
        body = api.list_sessions(name, fc.ListSessionsRequest(limit=1, next_token=token)).body
        pages += 1
        seen.extend(s.session_id for s in body.sessions or [])
        token = body.next_token
        if not token or pages > 10:
            break
    check("ListSessions limit=1 pages through every session once, oldest first",
          seen == expected and pages == len(expected), f"{pages} pages {seen}")
    only = list_ids(api, name, session_id=expected[-1])
    check("ListSessions sessionId filter lists that session only",
          only == [(expected[-1], "Active")], only)
    active = list_ids(api, name, session_status="Active")
    check("ListSessions sessionStatus=Active lists the live sessions",
          [sid for sid, _ in active] == expected
          and all(state == "Active" for _, state in active), active)


def pause_resume(api, name, gamma, instance, suffix):
    paused = api.pause_session(name, gamma, fc.PauseSessionRequest()).body
    got = get_session(api, name, gamma)
    check("PauseSession answers and keeps the session Paused",
          paused.session_status == "Paused" and got.session_status == "Paused",
          f"{paused.session_status} {got.session_status}")
    status, code = error_code(lambda: invoke(api, name, gamma))
    check("invoking a paused session is 412 PreconditionFailed",
          (status, code) == (412, "PreconditionFailed"), f"{status} {code}")
    status, code = error_code(lambda: api.pause_session(name, gamma, fc.PauseSessionRequest()))
    check("pausing a paused session is 412 PreconditionFailed",
          (status, code) == (412, "PreconditionFailed"), f"{status} {code}")
    # The SDK types ResumeSession's fileSystemOnly as bool: the query carries `True`.
    resumed = api.resume_session(name, gamma, fc.ResumeSessionRequest(
        file_system_only=True)).body
    check("ResumeSession (fileSystemOnly=True) answers Active on the same instance",
          resumed.session_status == "Active" and resumed.container_id == instance,
          f"{resumed.session_status} {resumed.container_id}")
    _, ran = invoke(api, name, gamma)
    check("a resumed session keeps its memory (the counter goes on)",
          ran.get("count") == 2 and ran.get("instance") == instance, ran)

    auto = "auto-" + suffix
    new_session(api, name, session_id=auto, enable_auto_resume=True)
    invoke(api, name, auto)
    api.pause_session(name, auto, fc.PauseSessionRequest())
    _, woke = invoke(api, name, auto)
    check("invoking a paused enableAutoResume session resumes it",
          woke.get("count") == 2 and get_session(api, name, auto).session_status == "Active",
          woke)
    return auto


def snapshots(api, name, suffix):
    source = "snapsrc-" + suffix
    _, wrote = invoke(api, name, source, {"write": "remember me"})
    check("the source session wrote its note to TMPDIR", wrote.get("note") == "remember me",
          wrote)
    snap = api.create_snapshot(name, fc.CreateSnapshotRequest(body=fc.CreateSnapshotInput(
        session_id=source, description="after the note"))).body
    check("CreateSnapshot answers an Available snapshot of the session",
          bool(snap.snapshot_id) and snap.status == "Available"
          and snap.source_session_id == source and snap.function_name == name
          and snap.description == "after the note", snap.to_map())
    got = api.get_snapshot(name, snap.snapshot_id, fc.GetSnapshotRequest()).body
    check("GetSnapshot returns the snapshot",
          got.snapshot_id == snap.snapshot_id and got.status == "Available"
          and got.source_session_id == source, got.to_map())
    listed = api.list_snapshots(fc.ListSnapshotsRequest(
        function_name=name, session_id=source)).body.snapshots or []
    check("ListSnapshots by function and source session lists it",
          [s.snapshot_id for s in listed] == [snap.snapshot_id],
          [s.snapshot_id for s in listed])

    restored = "restored-" + suffix
    made = new_session(api, name, session_id=restored, snapshot_id=snap.snapshot_id)
    _, ran = invoke(api, name, restored)
    check("a session created from the snapshot has the note and a fresh counter",
          made.session_status == "Active" and ran.get("note") == "remember me"
          and ran.get("count") == 1 and ran.get("instance") == made.container_id
          and ran.get("instance") != wrote.get("instance"), f"{made.to_map()} {ran}")

    status, code = error_code(lambda: api.delete_snapshot(
        name, snap.snapshot_id, fc.DeleteSnapshotRequest()))
    check("DeleteSnapshot while a session made from it lives is 409 SnapshotInUse",
          (status, code) == (409, "SnapshotInUse"), f"{status} {code}")
    deleted = api.delete_session(name, restored, fc.DeleteSessionRequest())
    status, code = error_code(lambda: get_session(api, name, restored))
    check("DeleteSession answers 204 and the session is gone",
          deleted.status_code == 204 and (status, code) == (404, "SessionNotFound"),
          f"{deleted.status_code} {status} {code}")
    dropped = api.delete_snapshot(name, snap.snapshot_id, fc.DeleteSnapshotRequest())
    status, code = error_code(lambda: api.get_snapshot(
        name, snap.snapshot_id, fc.GetSnapshotRequest()))
    check("DeleteSnapshot then answers 204 and GetSnapshot is 404 SnapshotNotFound",
          dropped.status_code == 204 and (status, code) == (404, "SnapshotNotFound"),
          f"{dropped.status_code} {status} {code}")
    return source


def expiry(api, name, suffix):
    short = "short-" + suffix
    made = new_session(api, name, session_id=short, session_ttlin_seconds=1)
    time.sleep(2.2)
    status, code = error_code(lambda: get_session(api, name, short))
    check("a session past its 1 s TTL is 404 SessionNotFound",
          made.session_status == "Active" and (status, code) == (404, "SessionNotFound"),
          f"{made.session_status} {status} {code}")
    expired = list_ids(api, name, session_status="Expired")
    check("ListSessions sessionStatus=Expired lists the expired session",
          (short, "Expired") in expired
          and all(state == "Expired" for _, state in expired), expired)


def main():
    args = peer_arguments(__doc__)
    api = client(args.endpoint, args.access_key_id, args.access_key_secret)
    suffix = str(int(time.time() * 1000) % 1000000)
    prefix = f"sess-{suffix}-"
    name, cookie = prefix + "header", prefix + "cookie"

    def steps():
        affinity_config(api, prefix)
        api.create_function(fc.CreateFunctionRequest(body=function_input(
            name, "HEADER_FIELD",
            {"affinityHeaderFieldName": SESSION_HEADER, "sessionTTLInSeconds": 600}))).body
        api.create_function(fc.CreateFunctionRequest(body=function_input(
            cookie, "GENERATED_COOKIE", {"sessionTTLInSeconds": 600})))
        live = []
        try:
            got = api.get_function(name, fc.GetFunctionRequest()).body
            check("GetFunction keeps sessionAffinity and its JSON config",
                  got.session_affinity == "HEADER_FIELD"
                  and json.loads(got.session_affinity_config or "{}").get(
                      "affinityHeaderFieldName") == SESSION_HEADER,
                  f"{got.session_affinity} {got.session_affinity_config!r}")
            _, generated = invocations(api, name)
            live += ["alpha", "beta", generated]
            gamma, instance = sessions(api, name, cookie, suffix)
            live.append(gamma)
            listing(api, name, list(live))
            live.append(pause_resume(api, name, gamma, instance, suffix))
            live.append(snapshots(api, name, suffix))
            expiry(api, name, suffix)
        finally:
            for session_id in live:
                try:
                    api.delete_session(name, session_id, fc.DeleteSessionRequest())
                except Exception:  # an earlier failure may have left it unmade
                    pass
            for function in (name, cookie):
                for session in (api.list_sessions(function, fc.ListSessionsRequest(
                        session_status="Active")).body.sessions or []):
                    api.delete_session(function, session.session_id, fc.DeleteSessionRequest())
                api.delete_function(function)
        left = api.list_functions(fc.ListFunctionsRequest(prefix=prefix)).body.functions or []
        check("the scenario's functions are deleted", not left,
              [f.function_name for f in left])

    return run_checks(steps)


if __name__ == "__main__":
    sys.exit(main())
