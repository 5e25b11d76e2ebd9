#!/usr/bin/env python3
"""Runs an FC 2.0 (API 2016-08-15) scenario against fc-local with the official classic SDK.

The SDK is `aliyun-fc2==2.5.2` (module `fc2`, a client fc-rs did not write; it signs with
`Authorization: FC <ak>:<sig>` and calls `/2016-08-15/...`, qualifiers in the path as
`services/{service}.{qualifier}/...`). Every check prints one line; the last line is
`N passed, M failed` and the exit status is non-zero when M > 0.

    python fc2_classic_sdk_scenario.py --endpoint http://127.0.0.1:PORT \
        --access-key-id ID --access-key-secret SECRET
"""

import base64
import json
import logging
import os
import sys
import tempfile
import time

import fc2

from official_sdk_scenario import check, make_zip, peer_arguments, run_checks

ROLE = "acs:ram::1234567890:role/fc-local-test"
HTTP_CONFIG = {"authType": "anonymous", "methods": ["GET", "POST"]}
WSGI = """import json
def handler(environ, start_response):
    size = int(environ.get('CONTENT_LENGTH') or 0)
    body = environ['wsgi.input'].read(size) if size else b''
    start_response('202 Accepted', [('Content-Type', 'application/json'), ('X-Web', 'classic')])
    return [json.dumps({'method': environ.get('REQUEST_METHOD'), 'path': environ.get('PATH_INFO'),
                        'query': environ.get('QUERY_STRING'), 'body': body.decode()}).encode()]
"""


def fc_error(call):
    """Runs `call`, returning (status, code, request id, message) of the error it raised.

    The SDK raises `fc2.FcError` with `status_code`, `err_code` (the body's `ErrorCode`),
    `request_id` (the `x-fc-request-id` header) and `message` (the body, as JSON)."""
    try:
        call()
    except fc2.FcError as err:
        return err.status_code, err.err_code, err.request_id, err.message
    except Exception as err:  # e.g. a non-JSON error body breaks the SDK's own error path
        return None, type(err).__name__, None, str(err)
    return None, None, None, None


def refused(label, call, status, code=None):
    """Checks that `call` fails with HTTP `status` and (when given) the FC 2.0 error `code`."""
    got = fc_error(call)[:2]
    check(label, got[0] == status and code in (None, got[1]), got)


def zip_path(workdir, name, text):
    """The SDK takes `codeZipFile` as a file path: writes a zip with index.py there."""
    path = os.path.join(workdir, name + ".zip")
    with open(path, "wb") as out:
        out.write(make_zip(text))
    return path


def echo_code(tag):
    return ("def handler(event, context):\n"
            "    print('classic sdk got', event.decode())\n"
            f"    return '{tag}'\n")


def services(api, prefix):
    """Create / get (ETag) / errors / list with limit / conditional update of services."""
    svc = prefix + "main"
    created = api.create_service(svc, description="first", role=ROLE)
    etag = created.headers.get("etag")
    check("CreateService answers the service with an ETag",
          created.data.get("serviceName") == svc and bool(etag), created.data)
    got = api.get_service(svc)
    check("GetService returns the role and the same ETag",
          got.data.get("role") == ROLE and got.headers.get("etag") == etag)
    status, code, request_id, _ = fc_error(lambda: api.create_service(svc))
    check("duplicate CreateService is 409 ServiceAlreadyExists",
          (status, code) == (409, "ServiceAlreadyExists"), f"{status} {code}")
    check("FcError carries the x-fc-request-id", request_id not in (None, "", "unknown"))
    refused("GetService of a missing service is 404 ServiceNotFound",
            lambda: api.get_service(prefix + "missing"), 404, "ServiceNotFound")

    api.create_service(prefix + "other")
    first = api.list_services(prefix=prefix, limit=1).data
    second = api.list_services(prefix=prefix, limit=1, nextToken=first.get("nextToken")).data
    names = [s["serviceName"] for s in first.get("services", []) + second.get("services", [])]
    check("ListServices limit=1 answers one service and a nextToken to the next one",
          len(first.get("services", [])) == 1 and names == [svc, prefix + "other"]
          and not second.get("nextToken"), names)

    updated = api.update_service(svc, description="second", headers={"if-match": etag})
    check("UpdateService with If-Match changes the service and its ETag",
          updated.data.get("description") == "second"
          and updated.headers.get("etag") not in (None, etag))
    refused("UpdateService with a stale If-Match is 412 PreconditionFailed",
            lambda: api.update_service(svc, description="stale", headers={"if-match": etag}),
            412, "PreconditionFailed")
    kept = api.get_service(svc).data.get("description")
    check("the refused UpdateService changed nothing", kept == "second", kept)
    return svc


def functions(api, svc, workdir):
    """Create / get / conditional update / list with limit of functions."""
    created = api.create_function(
        svc, "echo", "python3", "index.handler", description="first", memorySize=256,
        timeout=30, environmentVariables={"MODE": "one"},
        codeZipFile=zip_path(workdir, "v1", echo_code("v1")))
    etag = created.headers.get("etag")
    check("CreateFunction answers the function with an ETag",
          created.data.get("functionName") == "echo" and bool(etag), created.data)
    got = api.get_function(svc, "echo")
    check("GetFunction keeps the configuration and the ETag",
          (got.data.get("runtime"), got.data.get("memorySize"), got.headers.get("etag"))
          == ("python3", 256, etag))
    refused("duplicate CreateFunction is 409 FunctionAlreadyExists", lambda: api.create_function(
        svc, "echo", "python3", "index.handler", codeZipFile=zip_path(workdir, "dup", "")),
        409, "FunctionAlreadyExists")
    refused("GetFunction of a missing function is 404 FunctionNotFound",
            lambda: api.get_function(svc, "missing"), 404, "FunctionNotFound")

    updated = api.update_function(svc, "echo", description="second", memorySize=512,
                                  headers={"if-match": etag})
    data = updated.data
    check("UpdateFunction with If-Match changes the given fields and the ETag",
          (data.get("description"), data.get("memorySize")) == ("second", 512)
          and updated.headers.get("etag") not in (None, etag))
    check("UpdateFunction keeps the omitted fields (partial merge)",
          (data.get("timeout"), data.get("handler"), data.get("environmentVariables"))
          == (30, "index.handler", {"MODE": "one"}), data)
    refused("UpdateFunction with a stale If-Match is 412 PreconditionFailed",
            lambda: api.update_function(svc, "echo", description="stale",
                                        headers={"if-match": etag}),
            412, "PreconditionFailed")
    kept = api.get_function(svc, "echo").data.get("description")
    check("the refused UpdateFunction changed nothing", kept == "second", kept)

    api.create_function(svc, "web", "python3", "index.handler",
                        codeZipFile=zip_path(workdir, "web", WSGI))
    first = api.list_functions(svc, limit=1).data
    second = api.list_functions(svc, limit=1, nextToken=first.get("nextToken")).data
    names = [f["functionName"] for f in first.get("functions", []) + second.get("functions", [])]
    check("ListFunctions limit=1 pages one function per page",
          names == ["echo", "web"] and not second.get("nextToken"), names)


def versions_and_invoke(api, svc, workdir):
    """Versions 1 ('v1') and 2 ('v2'), an alias, and invocations through the qualifier."""
    v1 = api.publish_version(svc, description="one").data.get("versionId")
    api.update_function(svc, "echo", codeZipFile=zip_path(workdir, "v2", echo_code("v2")))
    v2 = api.publish_version(svc, description="two").data.get("versionId")
    check("PublishVersion numbers versions 1 and 2", (v1, v2) == ("1", "2"), (v1, v2))
    ids = sorted(v["versionId"] for v in api.list_versions(svc).data.get("versions", []))
    check("ListVersions lists both versions", ids == ["1", "2"], ids)
    api.create_alias(svc, "prod", "1", description="production")
    alias = api.get_alias(svc, "prod").data
    check("GetAlias returns the alias's version", alias.get("versionId") == "1", alias)
    names = [a["aliasName"] for a in api.list_aliases(svc).data.get("aliases", [])]
    check("ListAliases lists the alias", names == ["prod"], names)

    latest = api.invoke_function(svc, "echo", payload=b"classic")
    check("InvokeFunction runs the updated code", latest.data == b"v2", latest.data)
    check("InvokeFunction answers x-fc-request-id", bool(latest.headers.get("x-fc-request-id")))
    for qualifier, expected in (("LATEST", b"v2"), ("1", b"v1"), ("prod", b"v1")):
        answer = api.invoke_function(svc, "echo", payload=b"q", qualifier=qualifier).data
        check(f"InvokeFunction of services/{{service}}.{qualifier} answers {expected.decode()}",
              answer == expected, answer)
    tailed = api.invoke_function(svc, "echo", payload=b"tail", headers={"x-fc-log-type": "Tail"})
    log = base64.b64decode(tailed.headers.get("x-fc-log-result") or "").decode("utf-8", "replace")
    check("x-fc-log-type Tail returns the printed output", "classic sdk got tail" in log, repr(log))

    api.create_function(svc, "boom", "python3", "index.handler", codeZipFile=zip_path(
        workdir, "boom", "def handler(event, context):\n    raise ValueError('boom')\n"))
    status, code, _, message = fc_error(lambda: api.invoke_function(svc, "boom", payload=b"x"))
    check("a raising function answers 200 with x-fc-error-type (the SDK raises FcError)",
          status == 200 and "boom" in (message or ""), f"{status} {code} {message}")


def http_trigger(api, svc):
    """An anonymous HTTP trigger on the WSGI function, called with do_http_request."""
    created = api.create_trigger(svc, "web", "http-web", "http", HTTP_CONFIG, None, None)
    check("CreateTrigger (http) answers the trigger with an ETag",
          created.data.get("triggerType") == "http" and bool(created.headers.get("etag")))
    config = api.get_trigger(svc, "web", "http-web").data.get("triggerConfig")
    config = json.loads(config) if isinstance(config, str) else config or {}
    check("GetTrigger returns the trigger config", config.get("methods") == ["GET", "POST"],
          config)
    names = [t["triggerName"] for t in api.list_triggers(svc, "web").data.get("triggers", [])]
    check("ListTriggers lists the trigger", names == ["http-web"], names)

    response = api.do_http_request("POST", svc, "web", "/hello", headers={
        "content-type": "text/plain"}, params={"name": "classic"}, body=b"posted")
    check("the HTTP trigger answers the function's status and header",
          (response.status_code, response.headers.get("X-Web")) == (202, "classic"),
          f"{response.status_code} {dict(response.headers)}")
    try:
        echo = json.loads(response.content)
    except ValueError:
        echo = {}
    check("the WSGI function saw the method, path, query and body",
          echo.get("method") == "POST" and str(echo.get("path")).endswith("/hello")
          and echo.get("query") == "name=classic" and echo.get("body") == "posted", echo)


def cleanup(api, svc, prefix):
    """Deletes the trigger, alias, versions, functions and services, in that order."""
    api.delete_trigger(svc, "web", "http-web")
    refused("DeleteTrigger removes the trigger", lambda: api.get_trigger(svc, "web", "http-web"),
            404)
    api.delete_alias(svc, "prod")
    refused("DeleteAlias removes the alias", lambda: api.get_alias(svc, "prod"),
            404, "AliasNotFound")
    api.delete_version(svc, "1")
    api.delete_version(svc, "2")
    left = api.list_versions(svc).data.get("versions")
    check("DeleteVersion removes the versions", not left, left)
    refused("DeleteService of a service with functions is 409 ServiceNotEmpty",
            lambda: api.delete_service(svc), 409, "ServiceNotEmpty")
    refused("DeleteFunction with a stale If-Match is 412 PreconditionFailed",
            lambda: api.delete_function(svc, "boom", headers={"if-match": "stale-etag"}),
            412, "PreconditionFailed")
    for function in ("echo", "web", "boom"):
        api.delete_function(svc, function)
    left = api.list_functions(svc).data.get("functions")
    check("DeleteFunction removes the functions", not left, left)
    for name in (svc, prefix + "other"):
        api.delete_service(name)
    refused("DeleteService removes the service", lambda: api.get_service(svc),
            404, "ServiceNotFound")


def main():
    args = peer_arguments(__doc__)
    logging.getLogger().addHandler(logging.NullHandler())  # the SDK logs every error it raises
    api = fc2.Client(endpoint=args.endpoint, accessKeyID=args.access_key_id,
                     accessKeySecret=args.access_key_secret, Timeout=60)
    bad_api = fc2.Client(endpoint=args.endpoint, accessKeyID=args.access_key_id,
                         accessKeySecret=args.access_key_secret + "-wrong")
    prefix = f"fc2classic-{int(time.time() * 1000) % 1000000}-"

    def steps():
        with tempfile.TemporaryDirectory() as workdir:
            svc = services(api, prefix)
            functions(api, svc, workdir)
            versions_and_invoke(api, svc, workdir)
            http_trigger(api, svc)
            refused("a wrong secret is 403 SignatureNotMatch",
                    lambda: bad_api.list_services(), 403, "SignatureNotMatch")
            cleanup(api, svc, prefix)

    return run_checks(steps)


if __name__ == "__main__":
    sys.exit(main())
