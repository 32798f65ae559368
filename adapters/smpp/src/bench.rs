//! Submit throughput measurement: this crate's client against an in-process minimal SMSC
//! (or any SMSC), and, with the `smpp34-reference` feature, the independent `smpp34` crate
//! (its own ESME against its own SMSC, as in its `perf_loopback` example) as the yardstick.

use std::net::SocketAddr;
use std::time::Duration;

use futures::{FutureExt, SinkExt, StreamExt};
use rusmpp::pdus::{BindTransceiverResp, SubmitSmResp};
use rusmpp::{Command, CommandStatus, Pdu};
use serde::{Deserialize, Serialize};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;
use tokio_util::codec::Framed;

use crate::frame::{Frame, FrameCodec};
use crate::{OutboundSms, SmppClient, SmppClientConfig, pdu};

/// Outcome of a throughput run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BenchReport {
    /// Messages submitted (all accepted).
    pub messages: usize,
    /// Wall time from first submit to last response.
    pub elapsed: Duration,
    /// `messages / elapsed`.
    pub submits_per_sec: f64,
    /// Median submit-to-response latency.
    pub p50: Duration,
    /// 99th percentile latency.
    pub p99: Duration,
}

/// Why a run could not complete.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BenchError {
    /// The in-process SMSC could not start.
    #[error("cannot start the benchmark SMSC: {0}")]
    Smsc(#[from] std::io::Error),
    /// A submit failed.
    #[error("submit failed: {0}")]
    Submit(#[from] crate::SubmitError),
    /// No bind within the timeout.
    #[error("the client did not bind within {0:?}")]
    NotBound(Duration),
}

/// How long the client may take to bind before a run starts.
const BIND_TIMEOUT: Duration = Duration::from_secs(10);
/// The benchmark's message (one GSM part).
const BENCH_TEXT: &str = "perf test message";

/// Builds a report from per-message latencies.
pub fn report(mut latencies: Vec<Duration>, elapsed: Duration) -> BenchReport {
    latencies.sort_unstable();
    let at = |q: f64| {
        let index = ((latencies.len() as f64 - 1.0) * q).round() as usize;
        latencies.get(index).copied().unwrap_or_default()
    };
    BenchReport {
        messages: latencies.len(),
        elapsed,
        submits_per_sec: latencies.len() as f64 / elapsed.as_secs_f64().max(f64::EPSILON),
        p50: at(0.50),
        p99: at(0.99),
    }
}

/// Submits `messages` one-part messages over one bind with `window` and `tps` (0:
/// unlimited) to `smsc`, or to a minimal SMSC started on its own thread when `None`.
/// Must run inside an actix `System` (the client's binds are actors).
pub async fn submit_throughput(
    smsc: Option<SocketAddr>,
    messages: usize,
    window: usize,
    tps: u32,
) -> Result<BenchReport, BenchError> {
    let (addr, _smsc) = match smsc {
        Some(addr) => (addr, None),
        None => {
            let smsc = FastSmsc::start()?;
            (smsc.addr, Some(smsc))
        }
    };
    let (events, mut discard) = mpsc::channel(1024);
    tokio::spawn(async move { while discard.recv().await.is_some() {} });
    let config = SmppClientConfig {
        host: addr.ip().to_string(),
        port: addr.port(),
        window,
        tps,
        binds: 1,
        ..SmppClientConfig::default()
    };
    let client = SmppClient::start(config, events);
    wait_bound(&client).await?;
    let started = Instant::now();
    let latencies: Vec<Result<Duration, crate::SubmitError>> = futures::stream::iter(0..messages)
        .map(|i| {
            let client = client.clone();
            async move {
                let sent = Instant::now();
                client
                    .submit(OutboundSms {
                        message_ref: format!("bench-{i}"),
                        destination: "+821000000000".to_owned(),
                        text: BENCH_TEXT.to_owned(),
                    })
                    .await
                    .map(|_| sent.elapsed())
            }
        })
        .buffer_unordered(window.max(1) * 2)
        .collect()
        .await;
    let elapsed = started.elapsed();
    client.shutdown().await;
    let latencies = latencies.into_iter().collect::<Result<Vec<_>, _>>()?;
    Ok(report(latencies, elapsed))
}

async fn wait_bound(client: &SmppClient) -> Result<(), BenchError> {
    let deadline = Instant::now() + BIND_TIMEOUT;
    while client.bound_count() == 0 {
        if Instant::now() >= deadline {
            return Err(BenchError::NotBound(BIND_TIMEOUT));
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    Ok(())
}

/// A minimal SMSC for benchmarks: accepts any bind, answers every `submit_sm` at once,
/// batching responses per read. Runs on its own thread; stops when dropped.
pub struct FastSmsc {
    /// Where it listens.
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
}

impl FastSmsc {
    /// Starts it on a free loopback port.
    pub fn start() -> Result<Self, std::io::Error> {
        let std_listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
        std_listener.set_nonblocking(true)?;
        let addr = std_listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (stop, stopped) = oneshot::channel();
        std::thread::spawn(move || {
            runtime.block_on(async move {
                let Ok(listener) = TcpListener::from_std(std_listener) else {
                    return;
                };
                tokio::select! {
                    () = accept_loop(listener) => {}
                    _ = stopped => {}
                }
            });
        });
        Ok(Self {
            addr,
            stop: Some(stop),
        })
    }
}

impl Drop for FastSmsc {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

async fn accept_loop(listener: TcpListener) {
    while let Ok((stream, _)) = listener.accept().await {
        tokio::spawn(fast_session(stream));
    }
}

async fn fast_session(stream: TcpStream) {
    let _ = stream.set_nodelay(true);
    let mut framed = Framed::new(stream, FrameCodec::new());
    let mut next_id: u64 = 0;
    while let Some(Ok(frame)) = framed.next().await {
        let mut frame = Some(frame);
        while let Some(Frame::Command(command)) = frame.take() {
            let sequence = command.sequence_number;
            let response = match command.pdu() {
                Some(Pdu::BindTransceiver(_)) => {
                    let system_id = pdu::c_string("bench").unwrap_or_default();
                    Command::new(
                        CommandStatus::EsmeRok,
                        sequence,
                        BindTransceiverResp::builder().system_id(system_id).build(),
                    )
                }
                Some(Pdu::SubmitSm(_)) => {
                    next_id += 1;
                    let id = pdu::c_string(&next_id.to_string()).unwrap_or_default();
                    Command::new(
                        CommandStatus::EsmeRok,
                        sequence,
                        SubmitSmResp::builder().message_id(id).build(),
                    )
                }
                Some(Pdu::EnquireLink) => {
                    Command::new(CommandStatus::EsmeRok, sequence, Pdu::EnquireLinkResp)
                }
                Some(Pdu::Unbind) => {
                    let _ = framed
                        .send(Command::new(
                            CommandStatus::EsmeRok,
                            sequence,
                            Pdu::UnbindResp,
                        ))
                        .await;
                    return;
                }
                _ => continue,
            };
            if framed.feed(response).await.is_err() {
                return;
            }
            frame = framed.next().now_or_never().flatten().and_then(Result::ok);
        }
        if framed.flush().await.is_err() {
            return;
        }
    }
}

/// The `smpp34` crate's own ESME against its own SMSC on loopback, one session with
/// `window` concurrent submitters, as its `perf_loopback` example does. Builds its own
/// two-worker tokio runtime, so call it from outside any runtime.
#[cfg(feature = "smpp34-reference")]
pub fn smpp34_reference(messages: usize, window: usize) -> Result<BenchReport, BenchError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(smpp34_peer::run(messages, window))
}

#[cfg(feature = "smpp34-reference")]
mod smpp34_peer {
    //! The `perf_loopback` example of `smpp34`, with latencies recorded.

    use std::net::IpAddr;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use async_trait::async_trait;
    use smpp34::client::{BIND_TYPE, SMSC, SmppClient, SmppClientListener};
    use smpp34::{
        SmppConnectionInformation, SmppServer, SmppServerListener, bind_transceiver,
        bind_transceiver_resp, submit_sm, submit_sm_resp,
    };
    use tokio::sync::{Mutex, oneshot};
    use tokio::time::Instant;

    use super::{BenchError, BenchReport, report};

    struct Accepting;

    #[async_trait]
    impl SmppServerListener for Accepting {
        async fn on_bind_transceiver(
            &self,
            req: bind_transceiver,
            _: &SmppConnectionInformation,
            _: &String,
        ) -> bind_transceiver_resp {
            req.accept("LOOPBACK".to_string(), Some(0x34))
        }
        async fn on_submit_sm(
            &self,
            req: submit_sm,
            _: &SmppConnectionInformation,
            _: &String,
        ) -> submit_sm_resp {
            req.accept("1".to_string())
        }
    }

    struct Binder {
        bound: Mutex<Option<oneshot::Sender<Arc<SMSC>>>>,
    }

    #[async_trait]
    impl SmppClientListener for Binder {
        async fn on_smsc_bound(&self, smsc: SMSC, _: &String) {
            if let Some(tx) = self.bound.lock().await.take() {
                let _ = tx.send(Arc::new(smsc));
            }
        }
    }

    pub(super) async fn run(messages: usize, window: usize) -> Result<BenchReport, BenchError> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let mut server = SmppServer::new(IpAddr::from([127, 0, 0, 1]), port, Arc::new(Accepting));
        server.start().await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        let (tx, rx) = oneshot::channel();
        let binder = Arc::new(Binder {
            bound: Mutex::new(Some(tx)),
        });
        let mut client = SmppClient::new(
            "127.0.0.1".to_string(),
            port,
            false,
            BIND_TYPE::TRX,
            "perf".to_string(),
            "perf".to_string(),
            String::new(),
            1,
            1,
            String::new(),
            binder,
            window,
        );
        client.start().await;
        let smsc = rx
            .await
            .map_err(|_| BenchError::NotBound(Duration::from_secs(0)))?;
        let remaining = Arc::new(AtomicUsize::new(messages));
        let started = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..window.max(1) {
            let smsc = smsc.clone();
            let remaining = remaining.clone();
            tasks.push(tokio::spawn(async move {
                let mut latencies = Vec::new();
                while remaining
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |x| x.checked_sub(1))
                    .is_ok()
                {
                    let sent = Instant::now();
                    let _ = smsc
                        .submit_sm()
                        .source_addr("12345")
                        .destination_addr("31600000000")
                        .short_message(b"perf test message")
                        .send()
                        .await;
                    latencies.push(sent.elapsed());
                }
                latencies
            }));
        }
        let mut latencies = Vec::with_capacity(messages);
        for task in tasks {
            latencies.extend(task.await.unwrap_or_default());
        }
        let elapsed = started.elapsed();
        client.stop().await;
        Ok(report(latencies, elapsed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_come_from_sorted_latencies() {
        let latencies = (1..=100).rev().map(Duration::from_millis).collect();
        let report = report(latencies, Duration::from_secs(2));
        assert_eq!(report.messages, 100);
        assert_eq!(report.submits_per_sec, 50.0);
        assert_eq!(report.p50, Duration::from_millis(51));
        assert_eq!(report.p99, Duration::from_millis(99));
    }
}
