//! The simulator's SMPP 3.4 server: binds with credential checks, `submit_sm` with fault
//! injection, receipts after a delay, MO delivery, `enquire_link`, `unbind`, and
//! `generic_nack` for anything it cannot read.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use rusmpp::pdus::{
    BindReceiverResp, BindTransceiverResp, BindTransmitterResp, DeliverSm, SubmitSm, SubmitSmResp,
};
use rusmpp::tlvs::MessageDeliveryRequestTlvValue;
use rusmpp::values::{DataCoding, MCDeliveryReceipt};
use rusmpp::{Command, CommandStatus, Pdu};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};
use tokio::time::{Instant, sleep};
use tokio_util::codec::{FramedRead, FramedWrite};
use tracing::{debug, info, warn};

use super::SimState;
use super::faults::SubmitDecision;
use super::inbox::ReceivedPart;
use crate::frame::{Frame, FrameCodec, generic_nack, nack_status_for};
use crate::mo::part_units;
use crate::pdu::{self, PartSpec};
use crate::receipt::{ReceiptState, format_date};
use giftgate_edge::mask_msisdn;

/// Outgoing PDUs a session queues for its writer.
#[derive(Debug)]
pub(crate) enum Outgoing {
    /// A response (already numbered).
    Response(Box<Command>),
    /// A `deliver_sm` to number and send.
    Deliver(Box<DeliverSm>),
    /// Close the connection now (fault injection).
    Close,
}

/// Queue depth of one session's writer.
const OUTGOING_DEPTH: usize = 4096;
/// Characters of the message echoed in a receipt's `text:` field.
const RECEIPT_TEXT_CHARS: usize = 20;

/// How a session is bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BindKind {
    Transmitter,
    Receiver,
    Transceiver,
}

impl BindKind {
    fn can_submit(self) -> bool {
        matches!(self, Self::Transmitter | Self::Transceiver)
    }
    fn can_receive(self) -> bool {
        matches!(self, Self::Receiver | Self::Transceiver)
    }
}

/// Accepts connections until `shutdown` turns true.
pub(crate) async fn serve(
    listener: TcpListener,
    state: Arc<SimState>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    debug!(%peer, "SMSC simulator: connection");
                    tokio::spawn(session(stream, state.clone(), shutdown.clone()));
                }
                Err(err) => warn!(%err, "SMSC simulator: accept failed"),
            },
            () = stopped(&mut shutdown) => break,
        }
    }
}

/// Resolves once `shutdown` turns true (the watch guard is dropped before returning, so
/// the future stays `Send`).
async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stop| *stop).await.map(|_| ());
}

struct Session {
    id: u64,
    state: Arc<SimState>,
    bound: Option<BindKind>,
    outgoing: mpsc::Sender<Outgoing>,
}

async fn session(stream: TcpStream, state: Arc<SimState>, mut shutdown: watch::Receiver<bool>) {
    let _ = stream.set_nodelay(true);
    let (read_half, write_half) = stream.into_split();
    let mut reader = FramedRead::new(read_half, FrameCodec::new());
    let mut writer = FramedWrite::new(write_half, FrameCodec::new());
    let (outgoing, mut queued) = mpsc::channel(OUTGOING_DEPTH);
    let mut session = Session {
        id: state.next_session.fetch_add(1, Ordering::Relaxed),
        state,
        bound: None,
        outgoing,
    };
    let mut sequence: u32 = 0;
    loop {
        tokio::select! {
            frame = reader.next() => match frame {
                None => break,
                Some(Err(err)) => {
                    warn!(%err, "SMSC simulator: unreadable stream, closing");
                    break;
                }
                Some(Ok(Frame::Malformed { command_id, sequence_number, reason })) => {
                    warn!(command_id, %reason, "SMSC simulator: malformed PDU");
                    session.state.stats.generic_nacks.fetch_add(1, Ordering::Relaxed);
                    if writer.send(generic_nack(sequence_number, nack_status_for(command_id))).await.is_err() {
                        break;
                    }
                }
                Some(Ok(Frame::Command(command))) => {
                    if !session.on_command(*command).await {
                        break;
                    }
                }
            },
            next = queued.recv() => match next {
                Some(Outgoing::Response(command)) => {
                    if writer.send(*command).await.is_err() { break; }
                }
                Some(Outgoing::Deliver(deliver_sm)) => {
                    sequence = sequence % 0x7FFF_FFFF + 1;
                    if writer.send(pdu::request(sequence, *deliver_sm)).await.is_err() { break; }
                }
                Some(Outgoing::Close) | None => break,
            },
            () = stopped(&mut shutdown) => break,
        }
    }
    session.end();
}

impl Session {
    /// Handles one PDU; `false` ends the session.
    async fn on_command(&mut self, command: Command) -> bool {
        let sequence = command.sequence_number;
        let reply = |status: CommandStatus, pdu: Pdu| Command::new(status, sequence, pdu);
        let response = match command.pdu() {
            Some(Pdu::BindTransmitter(bind)) => {
                let status = self.bind(
                    BindKind::Transmitter,
                    bind.system_id.as_str(),
                    bind.password.as_str(),
                );
                reply(
                    status,
                    BindTransmitterResp::builder()
                        .system_id(self.system_id())
                        .build()
                        .into(),
                )
            }
            Some(Pdu::BindReceiver(bind)) => {
                let status = self.bind(
                    BindKind::Receiver,
                    bind.system_id.as_str(),
                    bind.password.as_str(),
                );
                reply(
                    status,
                    BindReceiverResp::builder()
                        .system_id(self.system_id())
                        .build()
                        .into(),
                )
            }
            Some(Pdu::BindTransceiver(bind)) => {
                let status = self.bind(
                    BindKind::Transceiver,
                    bind.system_id.as_str(),
                    bind.password.as_str(),
                );
                reply(
                    status,
                    BindTransceiverResp::builder()
                        .system_id(self.system_id())
                        .build()
                        .into(),
                )
            }
            Some(Pdu::SubmitSm(submit)) => {
                if !self.bound.is_some_and(BindKind::can_submit) {
                    reply(CommandStatus::EsmeRinvbndsts, Pdu::GenericNack)
                } else {
                    match self.submit(submit) {
                        Ok(message_id) => {
                            reply(CommandStatus::EsmeRok, submit_sm_resp(&message_id).into())
                        }
                        Err(None) => return false,
                        Err(Some(status)) => reply(status, submit_sm_resp("").into()),
                    }
                }
            }
            Some(Pdu::EnquireLink) => {
                self.state
                    .stats
                    .enquire_links
                    .fetch_add(1, Ordering::Relaxed);
                reply(CommandStatus::EsmeRok, Pdu::EnquireLinkResp)
            }
            Some(Pdu::Unbind) => {
                let _ = self
                    .outgoing
                    .send(Outgoing::Response(Box::new(reply(
                        CommandStatus::EsmeRok,
                        Pdu::UnbindResp,
                    ))))
                    .await;
                let _ = self.outgoing.send(Outgoing::Close).await;
                self.unregister();
                return true;
            }
            Some(Pdu::DeliverSmResp(_)) => {
                self.state
                    .stats
                    .deliver_sm_resps
                    .fetch_add(1, Ordering::Relaxed);
                return true;
            }
            Some(Pdu::EnquireLinkResp) | Some(Pdu::UnbindResp) => return true,
            Some(Pdu::GenericNack) => {
                warn!(sequence, status = ?command.status, "SMSC simulator: generic_nack from ESME");
                return true;
            }
            _ => {
                let id = u32::from(command.id());
                if id & 0x8000_0000 != 0 {
                    return true;
                }
                self.state
                    .stats
                    .generic_nacks
                    .fetch_add(1, Ordering::Relaxed);
                generic_nack(sequence, nack_status_for(id))
            }
        };
        self.respond(response, command.id()).await
    }

    /// Queues a response, after the configured delay for submit responses.
    async fn respond(&self, response: Command, request: rusmpp::CommandId) -> bool {
        let delay = Duration::from_millis(self.state.faults().config().response_delay_ms);
        if request == rusmpp::CommandId::SubmitSm && !delay.is_zero() {
            let outgoing = self.outgoing.clone();
            tokio::spawn(async move {
                sleep(delay).await;
                let _ = outgoing.send(Outgoing::Response(Box::new(response))).await;
            });
            return true;
        }
        self.outgoing
            .send(Outgoing::Response(Box::new(response)))
            .await
            .is_ok()
    }

    fn system_id(&self) -> rusmpp::types::COctetString<1, 16> {
        pdu::c_string("giftgate-sim").unwrap_or_default()
    }

    fn bind(&mut self, kind: BindKind, system_id: &str, password: &str) -> CommandStatus {
        if self.bound.is_some() {
            return CommandStatus::EsmeRalybnd;
        }
        if system_id != self.state.system_id {
            return CommandStatus::EsmeRinvsysid;
        }
        if password != self.state.password {
            return CommandStatus::EsmeRinvpaswd;
        }
        if self.state.faults().refuse_bind() {
            info!("SMSC simulator: refusing bind (fault)");
            return CommandStatus::EsmeRbindfail;
        }
        self.bound = Some(kind);
        self.state.stats.binds.fetch_add(1, Ordering::Relaxed);
        self.state.stats.bound.fetch_add(1, Ordering::Relaxed);
        if kind.can_receive() {
            self.state.register_receiver(self.id, self.outgoing.clone());
        }
        CommandStatus::EsmeRok
    }

    /// Accepts or refuses a submit: the SMSC id, `Err(Some(status))` to refuse, or
    /// `Err(None)` to drop the connection.
    fn submit(&mut self, submit: &SubmitSm) -> Result<String, Option<CommandStatus>> {
        let destination = submit.destination_addr.as_str().to_owned();
        self.state
            .stats
            .submit_attempts
            .fetch_add(1, Ordering::Relaxed);
        match self.state.faults().decide(&destination) {
            SubmitDecision::Accept => {}
            SubmitDecision::Throttle => return Err(Some(CommandStatus::EsmeRthrottled)),
            SubmitDecision::QueueFull => return Err(Some(CommandStatus::EsmeRmsgqful)),
            SubmitDecision::SystemError => return Err(Some(CommandStatus::EsmeRsyserr)),
            SubmitDecision::InvalidDestination => return Err(Some(CommandStatus::EsmeRinvdstadr)),
            SubmitDecision::DropConnection => {
                info!("SMSC simulator: dropping connection (fault)");
                return Err(None);
            }
        }
        let message_id = format!(
            "{:X}",
            self.state.next_message_id.fetch_add(1, Ordering::Relaxed)
        );
        let source = submit.source_addr.as_str().to_owned();
        let units = part_units(
            submit.esm_class,
            submit.data_coding,
            submit.short_message().as_ref(),
            None,
            &self.state.coding,
        );
        debug!(to = %mask_msisdn(&destination), %message_id, "SMSC simulator: submit accepted");
        self.state.stats.submits.fetch_add(1, Ordering::Relaxed);
        let receipt_text =
            crate::mo::decode_parts(std::slice::from_ref(&units), &self.state.inbox_coding());
        self.state.inbox().record(
            ReceivedPart {
                from: source.clone(),
                to: destination.clone(),
                units,
                message_id: message_id.clone(),
            },
            Instant::now(),
        );
        if submit.registered_delivery.mc_delivery_receipt()
            != MCDeliveryReceipt::NoMcDeliveryReceiptRequested
        {
            self.schedule_receipt(&message_id, &source, &destination, &receipt_text);
        }
        Ok(message_id)
    }

    fn schedule_receipt(&self, message_id: &str, source: &str, destination: &str, text: &str) {
        let now = chrono::Utc::now().naive_utc();
        let echo: String = text
            .chars()
            .filter(|c| c.is_ascii_graphic() || *c == ' ')
            .take(RECEIPT_TEXT_CHARS)
            .collect();
        let body = format!(
            "id:{message_id} sub:001 dlvrd:001 submit date:{date} done date:{date} stat:{stat} err:000 text:{echo}",
            date = format_date(&now),
            stat = ReceiptState::Delivered.as_stat(),
        );
        let spec = PartSpec {
            source: destination,
            destination: source,
            data_coding: DataCoding::McSpecific,
            udhi: false,
            short_message: body.as_bytes(),
        };
        let Some(mut receipt) = pdu::deliver_sm(&spec, pdu::receipt_esm_class()) else {
            warn!("SMSC simulator: receipt does not fit a deliver_sm");
            return;
        };
        if let Some(id) = pdu::c_string(message_id) {
            receipt.push_tlv(MessageDeliveryRequestTlvValue::ReceiptedMessageId(id));
        }
        receipt.push_tlv(MessageDeliveryRequestTlvValue::MessageState(
            ReceiptState::Delivered.message_state(),
        ));
        let state = self.state.clone();
        let session_id = self.id;
        let delay = state.receipt_delay;
        tokio::spawn(async move {
            sleep(delay).await;
            state.stats.receipts_sent.fetch_add(1, Ordering::Relaxed);
            state.deliver(Some(session_id), receipt).await;
        });
    }

    fn unregister(&mut self) {
        if let Some(kind) = self.bound.take() {
            self.state.stats.bound.fetch_sub(1, Ordering::Relaxed);
            if kind.can_receive() {
                self.state.unregister_receiver(self.id);
            }
        }
    }

    fn end(mut self) {
        self.unregister();
    }
}

fn submit_sm_resp(message_id: &str) -> SubmitSmResp {
    SubmitSmResp::builder()
        .message_id(pdu::c_string(message_id).unwrap_or_default())
        .build()
}
