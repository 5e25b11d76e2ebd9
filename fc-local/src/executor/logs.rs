//! Instance output: lines are read from each instance's combined stdout/stderr, kept per
//! function, and copied to the invocations running when they arrive.
//!
//! Attribution: a line goes to every invocation active on the instance when the line is read,
//! except `FC Invoke Start/End RequestId: <id>` (and `FC Initialize ...`) markers, which go to
//! the invocation they name. With `instance_concurrency` 1 this is exact; with more, output
//! printed while several invocations run lands in the tail of each of them.

use std::collections::{HashMap, VecDeque};

use super::ring::{Numbered, Ring};
use std::io::Read;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

/// Size of a log tail, as the service returns it in `X-Fc-Log-Result`.
pub const LOG_TAIL_BYTES: usize = 4096;

/// Longest line kept; longer output without a newline is split.
const MAX_LINE_BYTES: usize = 16 * 1024;

/// Output kept per running invocation (more than the tail, so the tail is always complete).
const CAPTURE_KEEP_BYTES: usize = 2 * LOG_TAIL_BYTES;

/// Lines kept per instance for startup-failure messages.
const RECENT_LINES: usize = 20;

/// One line printed by a function instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogRecord {
    /// Position in the function's log, from 1, increasing (to ask only for newer lines).
    pub seq: u64,
    /// When the executor read the line.
    pub time: SystemTime,
    /// The instance that printed it.
    pub instance_id: String,
    /// The invocation it is attributed to: the one running on the instance, or the one a
    /// `FC Invoke Start/End` marker names; `None` if none or several were running.
    pub request_id: Option<String>,
    /// The text, without the newline (invalid UTF-8 replaced).
    pub line: String,
}

/// The bounded log of one function name, all versions and instances.
pub(crate) type FunctionLogs = Ring<LogRecord>;

impl Numbered for LogRecord {
    fn seq(&self) -> u64 {
        self.seq
    }

    fn set_seq(&mut self, seq: u64) {
        self.seq = seq;
    }
}

/// How long [`InstanceLog::finish`] waits for output still in the pipe.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Drain {
    /// Wait for the instance's `FC Invoke End RequestId` marker (fc-local's bootstraps print
    /// it before answering), at most this long.
    EndMarker(Duration),
    /// The instance may not print markers (custom runtimes): stop at the marker, or once no
    /// line has arrived for `quiet`, at most `max`.
    Quiet {
        /// Silence that ends the wait.
        quiet: Duration,
        /// Longest wait.
        max: Duration,
    },
    /// The instance was killed: wait for its output to close, at most this long.
    Closed(Duration),
}

#[derive(Debug, Default)]
struct Capture {
    text: String,
    end_seen: bool,
}

#[derive(Debug)]
struct State {
    active: HashMap<String, Capture>,
    recent: VecDeque<String>,
    closed: bool,
    last_line: Instant,
}

/// The output of one instance, read by a thread from its stdout/stderr pipe.
#[derive(Debug)]
pub(crate) struct InstanceLog {
    instance_id: String,
    function_logs: Arc<FunctionLogs>,
    state: Mutex<State>,
}

impl InstanceLog {
    pub(crate) fn new(instance_id: String, function_logs: Arc<FunctionLogs>) -> Arc<Self> {
        Arc::new(InstanceLog {
            instance_id,
            function_logs,
            state: Mutex::new(State {
                active: HashMap::new(),
                recent: VecDeque::new(),
                closed: false,
                last_line: Instant::now(),
            }),
        })
    }

    /// Reads `pipe` on a thread of its own until every writer has closed it.
    pub(crate) fn spawn_reader(self: &Arc<Self>, pipe: std::io::PipeReader) {
        let log = Arc::clone(self);
        let name = format!("fc-local-log-{}", self.instance_id);
        let reader = move || {
            read_lines(pipe, |line| log.push_line(line));
            log.close();
        };
        if let Err(error) = std::thread::Builder::new().name(name).spawn(reader) {
            tracing::warn!(instance = %self.instance_id, %error, "cannot start the log reader");
            self.close();
        }
    }

    /// Starts collecting the output of `request_id`.
    pub(crate) fn begin(&self, request_id: &str) {
        lock(&self.state)
            .active
            .entry(request_id.to_owned())
            .or_default();
    }

    /// Adds a line written by the executor itself (errors, summaries) to the invocation and to
    /// the function log.
    pub(crate) fn note(&self, request_id: &str, line: &str) {
        let mut state = lock(&self.state);
        if let Some(capture) = state.active.get_mut(request_id) {
            append(&mut capture.text, line);
        }
        drop(state);
        self.function_logs.push(LogRecord {
            seq: 0,
            time: SystemTime::now(),
            instance_id: self.instance_id.clone(),
            request_id: Some(request_id.to_owned()),
            line: line.to_owned(),
        });
    }

    /// Waits for output still in the pipe as `drain` says, stops collecting for `request_id`
    /// and returns what was collected.
    pub(crate) async fn finish(&self, request_id: &str, drain: Drain) -> String {
        let started = Instant::now();
        loop {
            {
                let state = lock(&self.state);
                let end_seen = state.active.get(request_id).is_some_and(|c| c.end_seen);
                let elapsed = started.elapsed();
                let done = state.closed
                    || match drain {
                        Drain::EndMarker(max) => end_seen || elapsed >= max,
                        Drain::Quiet { quiet, max } => {
                            end_seen
                                || elapsed >= max
                                || (elapsed >= quiet && state.last_line.elapsed() >= quiet)
                        }
                        Drain::Closed(max) => elapsed >= max,
                    };
                if done {
                    drop(state);
                    return self.take(request_id);
                }
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Waits until the instance's output is closed (it exited), at most `max`.
    pub(crate) async fn wait_closed(&self, max: Duration) {
        let started = Instant::now();
        while !lock(&self.state).closed && started.elapsed() < max {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Stops collecting for `request_id` without waiting.
    pub(crate) fn take(&self, request_id: &str) -> String {
        lock(&self.state)
            .active
            .remove(request_id)
            .map(|capture| capture.text)
            .unwrap_or_default()
    }

    /// The last lines the instance printed (for startup errors).
    pub(crate) fn recent_output(&self) -> String {
        let state = lock(&self.state);
        let lines: Vec<&str> = state.recent.iter().map(String::as_str).collect();
        lines.join("\n")
    }

    fn push_line(&self, line: String) {
        let mut state = lock(&self.state);
        state.last_line = Instant::now();
        if state.recent.len() >= RECENT_LINES {
            state.recent.pop_front();
        }
        state.recent.push_back(line.clone());
        let request_id = match marker_request_id(&line) {
            Some((id, is_end)) if state.active.contains_key(id) => {
                let id = id.to_owned();
                if let Some(capture) = state.active.get_mut(&id) {
                    append(&mut capture.text, &line);
                    capture.end_seen |= is_end;
                }
                Some(id)
            }
            _ => {
                for capture in state.active.values_mut() {
                    append(&mut capture.text, &line);
                }
                if state.active.len() == 1 {
                    state.active.keys().next().cloned()
                } else {
                    None
                }
            }
        };
        drop(state);
        self.function_logs.push(LogRecord {
            seq: 0,
            time: SystemTime::now(),
            instance_id: self.instance_id.clone(),
            request_id,
            line,
        });
    }

    fn close(&self) {
        lock(&self.state).closed = true;
    }
}

/// The request id named by a runtime marker line, and whether it ends the invocation.
fn marker_request_id(line: &str) -> Option<(&str, bool)> {
    const MARKERS: [(&str, bool); 4] = [
        ("FC Invoke Start RequestId: ", false),
        ("FC Invoke End RequestId: ", true),
        ("FC Initialize Start RequestId: ", false),
        ("FC Initialize End RequestId: ", false),
    ];
    MARKERS.iter().find_map(|(prefix, is_end)| {
        let rest = line.strip_prefix(prefix)?;
        let id = rest.split([',', ' ']).next().unwrap_or(rest);
        Some((id, *is_end))
    })
}

/// Appends a line, keeping only the last [`CAPTURE_KEEP_BYTES`] or so.
fn append(text: &mut String, line: &str) {
    text.push_str(line);
    text.push('\n');
    if text.len() > 2 * CAPTURE_KEEP_BYTES {
        let cut = floor_boundary(text, text.len() - CAPTURE_KEEP_BYTES);
        text.drain(..cut);
    }
}

/// The last [`LOG_TAIL_BYTES`] bytes of `text`, starting on a character boundary.
///
/// ```
/// use fc_local::executor::log_tail;
///
/// let long = "é".repeat(3000); // 6000 bytes
/// let tail = log_tail(&long);
/// assert!(tail.len() <= 4096 && tail.chars().all(|c| c == 'é'));
/// assert_eq!(log_tail("short"), "short");
/// ```
pub fn log_tail(text: &str) -> &str {
    if text.len() <= LOG_TAIL_BYTES {
        return text;
    }
    let mut start = text.len() - LOG_TAIL_BYTES;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..]
}

/// The largest character boundary at or before `at`.
fn floor_boundary(text: &str, mut at: usize) -> usize {
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Calls `on_line` for every line of `pipe` (lines longer than [`MAX_LINE_BYTES`] are split)
/// until end of file or a read error.
fn read_lines(mut pipe: impl Read, mut on_line: impl FnMut(String)) {
    let mut pending: Vec<u8> = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let read = match pipe.read(&mut chunk) {
            Ok(0) => break,
            Ok(read) => read,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        };
        pending.extend_from_slice(&chunk[..read]);
        while let Some(newline) = pending.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = pending.drain(..=newline).collect();
            on_line(decode_line(&line[..line.len() - 1]));
        }
        while pending.len() > MAX_LINE_BYTES {
            let line: Vec<u8> = pending.drain(..MAX_LINE_BYTES).collect();
            on_line(decode_line(&line));
        }
    }
    if !pending.is_empty() {
        on_line(decode_line(&pending));
    }
}

fn decode_line(bytes: &[u8]) -> String {
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    String::from_utf8_lossy(bytes).into_owned()
}

/// Locks a mutex, also after a panic elsewhere (the data stays usable: plain buffers).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_split_and_decoded() {
        let mut lines = Vec::new();
        let input = b"one\r\ntwo\n\xffthree".as_slice();
        read_lines(input, |line| lines.push(line));
        assert_eq!(lines, vec!["one", "two", "\u{fffd}three"]);
    }

    #[test]
    fn long_lines_are_split() {
        let mut lines = Vec::new();
        let input = vec![b'a'; MAX_LINE_BYTES * 2 + 10];
        read_lines(input.as_slice(), |line| lines.push(line.len()));
        assert_eq!(lines, vec![MAX_LINE_BYTES, MAX_LINE_BYTES, 10]);
    }

    #[test]
    fn markers_name_their_request() {
        assert_eq!(
            marker_request_id("FC Invoke End RequestId: r-1, Error: Unhandled function error"),
            Some(("r-1", true))
        );
        assert_eq!(
            marker_request_id("FC Invoke Start RequestId: r-2"),
            Some(("r-2", false))
        );
        assert_eq!(marker_request_id("hello"), None);
    }

    #[test]
    fn lines_go_to_active_invocations() {
        let logs = Arc::new(FunctionLogs::new(3));
        let log = InstanceLog::new("c-1".to_owned(), Arc::clone(&logs));
        log.push_line("before".to_owned());
        log.begin("a");
        log.push_line("FC Invoke Start RequestId: a".to_owned());
        log.push_line("inside".to_owned());
        log.push_line("FC Invoke End RequestId: a".to_owned());
        assert_eq!(
            log.take("a"),
            "FC Invoke Start RequestId: a\ninside\nFC Invoke End RequestId: a\n"
        );
        let records = logs.after(0, |_| true);
        assert_eq!(records.len(), 3, "capacity bounds the function log");
        assert_eq!(records[1].request_id.as_deref(), Some("a"));
        let seqs: Vec<u64> = records.iter().map(|record| record.seq).collect();
        assert_eq!(
            seqs,
            [2, 3, 4],
            "the four lines are numbered from 1; the first was dropped"
        );
        assert_eq!(logs.after(3, |_| true).len(), 1);
    }

    #[test]
    fn captures_stay_bounded() {
        let mut text = String::new();
        for _ in 0..1000 {
            append(&mut text, "0123456789ü");
        }
        assert!(text.len() <= 2 * CAPTURE_KEEP_BYTES);
        assert!(log_tail(&text).len() <= LOG_TAIL_BYTES);
    }
}
