#!/usr/bin/env python3
"""Runs an FC 2.0 (API 2021-04-06) scenario against fc-local with the official generated SDK.

The SDK is `alibabacloud-fc-open20210406==2.0.12` (a client fc-rs did not write; it signs with
ACS3-HMAC-SHA256 and calls `/2021-04-06/...`). Every check prints one line; the last line is
`N passed, M failed` and the exit status is non-zero when M > 0.

    python fc2_open_sdk_scenario.py --endpoint http://127.0.0.1:PORT \
        --access-key-id ID --access-key-secret SECRET
"""

import base64
import json
import sys
import time
import urllib.parse

from alibabacloud_fc_open20210406 import models as fc
from alibabacloud_fc_open20210406.client import Client
from alibabacloud_tea_openapi.models import Config
from alibabacloud_tea_util.models import RuntimeOptions

from official_sdk_scenario import check, header, make_zip, peer_arguments, read_body, run_checks

ROLE = "acs:ram::1234567890:role/fc-local-test"


def client(endpoint, key_id, secret):
    """A generated-SDK client for fc-local (the SDK takes host:port plus a protocol)."""
    parsed = urllib.parse.urlparse(endpoint)
    return Client(Config(access_key_id=key_id, access_key_secret=secret,
                         endpoint=parsed.netloc, protocol=parsed.scheme or "http",
                         region_id="cn-hangzhou", read_timeout=60000))


def refused(label, call, status, code=None):
    """Checks that `call` fails with HTTP `status` and (when given) the FC 2.0 error `code`.

    The SDK copies only a `Code` key into `err.code` (else the string 'None'); the FC 2.0
    body `{"ErrorCode", "ErrorMessage"}` reaches the caller as `err.data`, the parsed body."""
    try:
        call()
        got = (None, None)
    except Exception as err:  # the SDK raises ClientException / ServerException
        data = getattr(err, "data", None) or {}
        got = (getattr(err, "status_code", None),
               data.get("ErrorCode") or getattr(err, "code", None))
    check(label, got[0] == status and code in (None, got[1]), got)


def page_through(list_page, items, name):
    """Follows nextToken from `list_page(token)`; returns (the names seen, the page count)."""
    seen, token, pages = [], None, 0
    while pages == 0 or (token and pages < 10):
        body = list_page(token).body
        pages += 1
        seen.extend(getattr(item, name) for item in getattr(body, items) or [])
        token = body.next_token
    return seen, pages


def code(tag, source=None):
    """Base64 of a zip whose handler prints the event and returns `tag` (or of `source`)."""
    return base64.b64encode(make_zip(source or (
        "def handler(event, context):\n"
        "    print('open sdk got', event.decode())\n"
        f"    return '{tag}'\n"))).decode()


def new_function(name, zipped, description):
    return fc.CreateFunctionRequest(
        function_name=name, runtime="python3.10", handler="index.handler", memory_size=256,
        timeout=30, description=description, environment_variables={"MODE": "one"},
        code=fc.Code(zip_file=zipped))


def services(api, prefix):
    """Create / get (ETag) / duplicate / missing / paging / conditional update of services."""
    svc = prefix + "main"
    created = api.create_service(fc.CreateServiceRequest(
        service_name=svc, description="first", role=ROLE))
    check("CreateService answers 200 with the service and an ETag",
          created.status_code == 200 and created.body.service_name == svc
          and bool(header(created, "etag")), created.status_code)
    got = api.get_service(svc, fc.GetServiceRequest())
    etag = header(got, "etag")
    check("GetService returns the role and the same ETag",
          got.body.role == ROLE and etag == header(created, "etag"), etag)
    refused("duplicate CreateService is 409 ServiceAlreadyExists", lambda: api.create_service(
        fc.CreateServiceRequest(service_name=svc)), 409, "ServiceAlreadyExists")
    refused("GetService of a missing service is 404 ServiceNotFound", lambda: api.get_service(
        prefix + "missing", fc.GetServiceRequest()), 404, "ServiceNotFound")

    for i in (1, 2):
        api.create_service(fc.CreateServiceRequest(service_name=f"{prefix}page-{i}"))
    seen, pages = page_through(lambda token: api.list_services(fc.ListServicesRequest(
        prefix=prefix, limit=1, next_token=token)), "services", "service_name")
    check("ListServices limit=1 pages one service per page over 3 services",
          seen == sorted([svc, prefix + "page-1", prefix + "page-2"]) and pages == 3,
          f"{pages} {seen}")

    updated = api.update_service_with_options(
        svc, fc.UpdateServiceRequest(description="second"),
        fc.UpdateServiceHeaders(if_match=etag), RuntimeOptions())
    check("UpdateService with the current If-Match changes the service and its ETag",
          updated.body.description == "second" and header(updated, "etag") not in (None, etag))
    refused("UpdateService with a stale If-Match is 412 PreconditionFailed",
            lambda: api.update_service_with_options(
                svc, fc.UpdateServiceRequest(description="stale"),
                fc.UpdateServiceHeaders(if_match=etag), RuntimeOptions()),
            412, "PreconditionFailed")
    kept = api.get_service(svc, fc.GetServiceRequest()).body.description
    check("the refused UpdateService changed nothing", kept == "second", kept)
    return svc


def functions(api, svc):
    """Create / get / conditional update and delete / paging of functions."""
    created = api.create_function(svc, new_function("echo", code("v1"), "first"))
    check("CreateFunction answers 200 with an ETag",
          created.status_code == 200 and bool(header(created, "etag")), created.status_code)
    got = api.get_function(svc, "echo", fc.GetFunctionRequest())
    etag = header(got, "etag")
    check("GetFunction keeps the configuration and the ETag",
          (got.body.runtime, got.body.handler, got.body.memory_size) ==
          ("python3.10", "index.handler", 256) and etag == header(created, "etag"))
    refused("duplicate CreateFunction is 409 FunctionAlreadyExists", lambda: api.create_function(
        svc, new_function("echo", code("x"), "")), 409, "FunctionAlreadyExists")
    refused("GetFunction of a missing function is 404 FunctionNotFound", lambda: api.get_function(
        svc, "missing", fc.GetFunctionRequest()), 404, "FunctionNotFound")

    updated = api.update_function_with_options(
        svc, "echo", fc.UpdateFunctionRequest(description="second", memory_size=512),
        fc.UpdateFunctionHeaders(if_match=etag), RuntimeOptions())
    body = updated.body
    check("UpdateFunction with If-Match changes the given fields and the ETag",
          (body.description, body.memory_size) == ("second", 512)
          and header(updated, "etag") not in (None, etag))
    check("UpdateFunction keeps the omitted fields (partial merge)",
          body.timeout == 30 and body.handler == "index.handler"
          and body.environment_variables == {"MODE": "one"}, body.environment_variables)
    refused("UpdateFunction with a stale If-Match is 412 PreconditionFailed",
            lambda: api.update_function_with_options(
                svc, "echo", fc.UpdateFunctionRequest(description="stale"),
                fc.UpdateFunctionHeaders(if_match=etag), RuntimeOptions()),
            412, "PreconditionFailed")
    refused("DeleteFunction with a stale If-Match is 412 PreconditionFailed",
            lambda: api.delete_function_with_options(
                svc, "echo", fc.DeleteFunctionHeaders(if_match=etag), RuntimeOptions()),
            412, "PreconditionFailed")
    kept = api.get_function(svc, "echo", fc.GetFunctionRequest()).body.description
    check("the refused update and delete changed nothing", kept == "second", kept)

    for i in (1, 2):
        api.create_function(svc, new_function(f"page-{i}", code("p"), "page"))
    seen, pages = page_through(lambda token: api.list_functions(svc, fc.ListFunctionsRequest(
        limit=1, next_token=token)), "functions", "function_name")
    check("ListFunctions limit=1 pages one function per page",
          seen == ["echo", "page-1", "page-2"] and pages == 3, f"{pages} {seen}")


def invoke(api, svc, qualifier=None, body=b"sdk", log_type=None):
    return api.invoke_function_with_options(
        svc, "echo", fc.InvokeFunctionRequest(body=body, qualifier=qualifier),
        fc.InvokeFunctionHeaders(x_fc_invocation_type="Sync", x_fc_log_type=log_type),
        RuntimeOptions())


def versions_and_invoke(api, svc):
    """Versions 1 (code 'v1') and 2 ('v2'), aliases, and what LATEST / 1 / prod run."""
    v1 = api.publish_service_version(svc, fc.PublishServiceVersionRequest(description="one"))
    api.update_function(svc, "echo", fc.UpdateFunctionRequest(code=fc.Code(zip_file=code("v2"))))
    v2 = api.publish_service_version(svc, fc.PublishServiceVersionRequest(description="two"))
    check("PublishServiceVersion numbers versions 1 and 2",
          (v1.body.version_id, v2.body.version_id) == ("1", "2"))
    listed = api.list_service_versions(svc, fc.ListServiceVersionsRequest()).body.versions or []
    ids = sorted(v.version_id for v in listed)
    check("ListServiceVersions lists both versions", ids == ["1", "2"], ids)

    api.create_alias(svc, fc.CreateAliasRequest(alias_name="prod", version_id="1"))
    api.create_alias(svc, fc.CreateAliasRequest(alias_name="canary", version_id="2",
                                                additional_version_weight={"1": 0.5}))
    prod, canary = api.get_alias(svc, "prod").body, api.get_alias(svc, "canary").body
    check("GetAlias returns the version and the additional weight",
          prod.version_id == "1" and canary.additional_version_weight == {"1": 0.5},
          canary.additional_version_weight)
    listed = api.list_aliases(svc, fc.ListAliasesRequest()).body.aliases or []
    names = [a.alias_name for a in listed]
    check("ListAliases lists both aliases", sorted(names) == ["canary", "prod"], names)

    latest = invoke(api, svc)
    check("InvokeFunction of LATEST runs the updated code",
          (latest.status_code, read_body(latest.body)) == (200, b"v2"), read_body(latest.body))
    check("InvokeFunction answers x-fc-request-id", bool(header(latest, "x-fc-request-id")))
    one = read_body(invoke(api, svc, qualifier="1").body)
    check("InvokeFunction qualifier=1 runs version 1's code", one == b"v1", one)
    alias = read_body(invoke(api, svc, qualifier="prod").body)
    check("InvokeFunction qualifier=prod runs the alias's version", alias == b"v1", alias)
    tailed = invoke(api, svc, body=b"tail", log_type="Tail")
    log = base64.b64decode(header(tailed, "x-fc-log-result") or "").decode("utf-8", "replace")
    check("x-fc-log-type Tail returns the printed output in x-fc-log-result",
          "open sdk got tail" in log, repr(log))

    api.create_function(svc, new_function("boom", code(None, (
        "def handler(event, context):\n    raise ValueError('boom')\n")), "raises"))
    failed = api.invoke_function(svc, "boom", fc.InvokeFunctionRequest(body=b"x"))
    check("a raising function answers 200 with x-fc-error-type UnhandledInvocationError",
          failed.status_code == 200
          and header(failed, "x-fc-error-type") == "UnhandledInvocationError",
          f"{failed.status_code} {header(failed, 'x-fc-error-type')}")
    check("the function error body carries the error message", b"boom" in read_body(failed.body))


def triggers(api, svc):
    """An HTTP trigger: create (ETag), get, list, stale conditional update."""
    config = json.dumps({"authType": "anonymous", "methods": ["GET", "POST"]})
    created = api.create_trigger(svc, "echo", fc.CreateTriggerRequest(
        trigger_name="web", trigger_type="http", trigger_config=config))
    etag = header(created, "etag")
    check("CreateTrigger (http) answers the trigger with an ETag",
          created.body.trigger_type == "http" and bool(etag), etag)
    got = api.get_trigger(svc, "echo", "web").body.trigger_config  # a JSON string in the model
    got = json.loads(got) if isinstance(got, str) else got or {}
    check("GetTrigger returns the trigger config", got.get("methods") == ["GET", "POST"], got)
    listed = api.list_triggers(svc, "echo", fc.ListTriggersRequest()).body.triggers or []
    check("ListTriggers lists the trigger", [t.trigger_name for t in listed] == ["web"])
    api.update_trigger(svc, "echo", "web", fc.UpdateTriggerRequest(description="changed"))
    refused("UpdateTrigger with a stale If-Match is 412 PreconditionFailed",
            lambda: api.update_trigger_with_options(
                svc, "echo", "web", fc.UpdateTriggerRequest(description="stale"),
                fc.UpdateTriggerHeaders(if_match=etag), RuntimeOptions()),
            412, "PreconditionFailed")


def cleanup(api, svc, prefix):
    """Deletes triggers, aliases, versions, functions, services, in that order."""
    api.delete_trigger(svc, "echo", "web")
    refused("DeleteTrigger removes the trigger", lambda: api.get_trigger(svc, "echo", "web"), 404)
    for alias in ("prod", "canary"):
        api.delete_alias(svc, alias)
    refused("DeleteAlias removes the aliases", lambda: api.get_alias(svc, "prod"),
            404, "AliasNotFound")
    for version in ("1", "2"):
        api.delete_service_version(svc, version)
    left = api.list_service_versions(svc, fc.ListServiceVersionsRequest()).body.versions
    check("DeleteServiceVersion removes the versions", not left, left)
    refused("DeleteService of a service with functions is 409 ServiceNotEmpty",
            lambda: api.delete_service(svc), 409, "ServiceNotEmpty")
    codes = [api.delete_function(svc, f).status_code for f in ("echo", "page-1", "page-2", "boom")]
    check("DeleteFunction answers 204 for every function", codes == [204] * 4, codes)
    codes = [api.delete_service(prefix + s).status_code for s in ("main", "page-1", "page-2")]
    check("DeleteService answers 204 for every service", codes == [204] * 3, codes)
    refused("the deleted service is gone", lambda: api.get_service(svc, fc.GetServiceRequest()),
            404, "ServiceNotFound")


def main():
    args = peer_arguments(__doc__)
    api = client(args.endpoint, args.access_key_id, args.access_key_secret)
    bad_api = client(args.endpoint, args.access_key_id, args.access_key_secret + "-wrong")
    prefix = f"fc2open-{int(time.time() * 1000) % 1000000}-"

    def steps():
        svc = services(api, prefix)
        functions(api, svc)
        versions_and_invoke(api, svc)
        triggers(api, svc)
        refused("a wrong secret is 403 SignatureNotMatch",
                lambda: bad_api.list_services(fc.ListServicesRequest()), 403, "SignatureNotMatch")
        cleanup(api, svc, prefix)

    return run_checks(steps)


if __name__ == "__main__":
    sys.exit(main())
