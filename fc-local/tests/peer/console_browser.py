#!/usr/bin/env python3
"""Loads fc-local's console in headless Chromium after the official SDK created and invoked a function.

A function with an HTTP trigger is created and invoked with `alibabacloud-fc20230330`; then a real
browser (Debian's `chromium`, driven over the DevTools protocol with `websocket-client`) opens the
console URL fc-local printed and must show the function, its trigger URL and the invocation's log
line; a second test types a payload into the page, clicks Invoke and must see the function's
answer and log. A screenshot of the console is saved. Every check prints one line; the last line
is `N passed, M failed` and the exit status is non-zero when M > 0.

    python console_browser.py --endpoint http://127.0.0.1:PORT --console-url-file FILE \
        --access-key-id ID --access-key-secret SECRET --chromium /usr/bin/chromium \
        --screenshot target/console.png
"""

import base64
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket
from alibabacloud_fc20230330 import models as fc

from official_sdk_scenario import (check, client, create_input, make_zip, peer_arguments, read_body,
                                   run_checks)

MARKER = "console-browser-marker"


class Browser:
    """A headless Chromium with one page, driven over the DevTools protocol."""

    def __init__(self, chromium):
        self.profile = tempfile.TemporaryDirectory(prefix="fc-local-chromium-",
                                                   ignore_cleanup_errors=True)
        self.process = subprocess.Popen(
            [chromium, "--headless=new", "--no-sandbox", "--disable-gpu",
             "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
             "--remote-debugging-port=0", "--remote-allow-origins=*",
             f"--user-data-dir={self.profile.name}", "--window-size=1440,1000", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = os.path.join(self.profile.name, "DevToolsActivePort")
        deadline = time.time() + 30
        while not (os.path.exists(port_file) and open(port_file).read().strip()):
            if time.time() > deadline or self.process.poll() is not None:
                raise RuntimeError("chromium did not open its DevTools port")
            time.sleep(0.1)
        port = open(port_file).read().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as answer:
            pages = [t for t in json.load(answer) if t.get("type") == "page"]
        self.socket = websocket.create_connection(
            pages[0]["webSocketDebuggerUrl"], timeout=30, suppress_origin=True)
        self.next_id = 0

    def call(self, method, **params):
        """Sends one DevTools command and returns its result (events in between are skipped)."""
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        """The value of a JavaScript expression in the page (promises awaited)."""
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True,
                           awaitPromise=True)
        return result.get("result", {}).get("value")

    def wait_for(self, expression, seconds=20):
        """Polls `expression` until it is truthy; returns its last value."""
        deadline = time.time() + seconds
        value = None
        while time.time() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.2)
        return value

    def screenshot(self, path):
        """Saves a PNG of the whole page, not only the window."""
        height = self.evaluate("document.documentElement.scrollHeight")
        shot = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                         clip={"x": 0, "y": 0, "width": 1440, "height": height, "scale": 1})
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        with open(path, "wb") as out:
            out.write(base64.b64decode(shot["data"]))
        print(f"     screenshot: {path}")

    def close(self):
        try:
            self.socket.close()
        finally:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.profile.cleanup()


def prepare(api, name):
    """Creates the function and its HTTP trigger, invokes it once; returns the trigger URL."""
    package = make_zip(
        "def handler(event, context):\n"
        f"    print('{MARKER}', event.decode())\n"
        "    return 'answered ' + event.decode()\n")
    api.create_function(fc.CreateFunctionRequest(body=create_input(name, package, "console")))
    trigger = api.create_trigger(name, fc.CreateTriggerRequest(body=fc.CreateTriggerInput(
        trigger_name="web", trigger_type="http",
        trigger_config=json.dumps({"authType": "anonymous", "methods": ["GET"]})))).body
    answer = api.invoke_function(name, fc.InvokeFunctionRequest(body=io.BytesIO(b"from-sdk")))
    check("the SDK's invocation answered", read_body(answer.body) == b"answered from-sdk")
    return trigger.http_trigger.url_internet


def page_shows_what_ran(browser, console_url, name, trigger_url):
    """The console, loaded after the SDK's calls, lists the function, its URL and the log line."""
    browser.call("Page.enable")
    browser.call("Page.navigate", url=console_url)
    text = "document.body.innerText"
    check("the console lists the function",
          browser.wait_for(f"{text}.includes({json.dumps(name)})"))
    check("the console shows the HTTP trigger URL as a link",
          browser.wait_for(f"[...document.querySelectorAll('a')].some(a => a.href === "
                           f"{json.dumps(trigger_url)})"))
    check("the console shows the invocation's log line",
          browser.wait_for(f"document.getElementById('invocations').innerText.includes("
                           f"{json.dumps(MARKER + ' from-sdk')})"),
          browser.evaluate(text))
    check("the live log shows the function's output",
          browser.wait_for("document.getElementById('logs').textContent.includes("
                           f"{json.dumps(MARKER + ' from-sdk')})"))
    check("the token left the address bar",
          "token=" not in (browser.evaluate("location.href") or "token="))


def page_invokes(browser, name):
    """Typing a payload and clicking Invoke runs the function and shows its answer and log."""
    browser.evaluate(
        "(() => {"
        f" const button = [...document.querySelectorAll('#functions button')]"
        f"   .find(b => b.innerText.includes({json.dumps(name)})); button.click();"
        " document.getElementById('invoke-payload').value = 'from-page';"
        " document.getElementById('invoke-button').click(); })()")
    result = browser.wait_for(
        "document.getElementById('invoke-result').textContent === 'answered from-page'"
        " && document.getElementById('invoke-result').textContent")
    check("Invoke on the page shows the function's answer", result == "answered from-page",
          repr(browser.evaluate("document.getElementById('invoke-result').textContent")))
    check("Invoke on the page shows the invocation's log",
          browser.wait_for("document.getElementById('invoke-log').textContent.includes("
                           f"{json.dumps(MARKER + ' from-page')})"))
    check("the page's invocation appears in the history",
          browser.wait_for("document.getElementById('invocations').innerText.includes("
                           f"{json.dumps(MARKER + ' from-page')})"))


def main():
    args = peer_arguments(__doc__, "--console-url-file", "--chromium", "--screenshot")
    api = client(args.endpoint, args.access_key_id, args.access_key_secret)
    with open(args.console_url_file) as url_file:
        console_url = url_file.read().strip()
    name = f"console-{int(time.time() * 1000) % 1000000}"

    def steps():
        trigger_url = prepare(api, name)
        browser = Browser(args.chromium)
        try:
            page_shows_what_ran(browser, console_url, name, trigger_url)
            page_invokes(browser, name)
            browser.screenshot(args.screenshot)
        finally:
            browser.close()

    return run_checks(steps)


if __name__ == "__main__":
    sys.exit(main())
