//! What the SMSC sends a bound session: responses, `deliver_sm`s (receipts and MO parts,
//! reassembled across binds), `enquire_link`, `unbind`, and a `generic_nack` for a
//! request it does not know.

use std::collections::VecDeque;

use futures::SinkExt;
use rusmpp::pdus::{DeliverSm, DeliverSmResp};
use rusmpp::{Command, CommandId, CommandStatus, Pdu};
use tokio::time::Instant;
use tracing::{debug, warn};

use super::{BindSession, RESPONSE_BIT, SessionEnd, Writer, lock_assembler};
use crate::frame::{FrameError, generic_nack};
use crate::{SmppEvent, receipt};

impl BindSession {
    pub(super) async fn on_command(
        &mut self,
        command: Command,
        writer: &mut Writer,
        enquire_pending: &mut Option<(u32, Instant)>,
        pending_events: &mut VecDeque<(u32, SmppEvent)>,
        unbinding: bool,
    ) -> Result<Option<SessionEnd>, FrameError> {
        let sequence = command.sequence_number;
        let status = command.status;
        match command.pdu() {
            Some(Pdu::SubmitSmResp(resp)) => {
                let id = resp.message_id().as_str().to_owned();
                self.on_submit_resp(sequence, status, Some(id));
            }
            None if command.id() == CommandId::SubmitSmResp => {
                self.on_submit_resp(sequence, status, None)
            }
            Some(Pdu::GenericNack) => {
                warn!(
                    bind = self.parts.index,
                    sequence,
                    ?status,
                    "generic_nack from SMSC"
                );
                self.on_submit_resp(sequence, status, None);
            }
            Some(Pdu::DeliverSm(deliver_sm)) => match self.read_deliver_sm(deliver_sm) {
                Some(event) => pending_events.push_back((sequence, event)),
                None => writer.send(deliver_sm_resp(sequence)).await?,
            },
            Some(Pdu::EnquireLink) => {
                writer
                    .send(Command::new(
                        CommandStatus::EsmeRok,
                        sequence,
                        Pdu::EnquireLinkResp,
                    ))
                    .await?;
            }
            Some(Pdu::EnquireLinkResp) => {
                if enquire_pending.is_some_and(|(pending, _)| pending == sequence) {
                    *enquire_pending = None;
                }
            }
            Some(Pdu::Unbind) => {
                writer
                    .send(Command::new(
                        CommandStatus::EsmeRok,
                        sequence,
                        Pdu::UnbindResp,
                    ))
                    .await?;
                return Ok(Some(if unbinding {
                    SessionEnd::Stopped
                } else {
                    SessionEnd::Lost("SMSC unbound".to_owned())
                }));
            }
            Some(Pdu::UnbindResp) if unbinding => return Ok(Some(SessionEnd::Stopped)),
            _ => {
                let id = u32::from(command.id());
                if id & RESPONSE_BIT == 0 {
                    writer
                        .send(generic_nack(sequence, CommandStatus::EsmeRinvcmdid))
                        .await?;
                } else {
                    debug!(
                        bind = self.parts.index,
                        command_id = id,
                        "unexpected response ignored"
                    );
                }
            }
        }
        Ok(None)
    }

    /// Turns a `deliver_sm` into an event, or `None` when there is nothing to hand on
    /// (a part still waiting for the others, an unreadable receipt).
    fn read_deliver_sm(&mut self, deliver_sm: &DeliverSm) -> Option<SmppEvent> {
        if receipt::is_receipt(deliver_sm) {
            let parsed = receipt::from_deliver_sm(deliver_sm, self.config().message_ids.receipt);
            if parsed.is_none() {
                warn!(
                    bind = self.parts.index,
                    "receipt without message id or state ignored"
                );
            }
            return parsed.map(SmppEvent::Receipt);
        }
        lock_assembler(&self.mo)
            .accept(deliver_sm, Instant::now())
            .map(SmppEvent::MobileOriginated)
    }
}

pub(super) fn deliver_sm_resp(sequence: u32) -> Command {
    Command::new(CommandStatus::EsmeRok, sequence, DeliverSmResp::default())
}
