//! Opening a session: the TCP connection and the `bind_transceiver` exchange, bounded by
//! the response timeout, and why a bind attempt failed.

use futures::{SinkExt, StreamExt};
use rusmpp::{CommandId, CommandStatus};
use tokio::net::TcpStream;
use tokio::time::timeout;
use tokio_util::codec::{FramedRead, FramedWrite};

use super::{BindSession, Reader, Writer};
use crate::frame::{Frame, FrameCodec, FrameError};
use crate::pdu;

#[derive(Debug, thiserror::Error)]
pub(super) enum BindFailure {
    #[error("connect failed: {0}")]
    Connect(#[from] std::io::Error),
    #[error("no answer within the response timeout")]
    Timeout,
    #[error("SMSC refused the bind with status {0:?}")]
    Refused(CommandStatus),
    #[error("connection closed during bind")]
    Closed,
    #[error(transparent)]
    Frame(#[from] FrameError),
    #[error("system_id, password or system_type too long for SMPP")]
    Credentials,
}

impl BindSession {
    pub(super) async fn connect_and_bind(&mut self) -> Result<(Reader, Writer), BindFailure> {
        let response_timeout = self.config().response_timeout;
        let address = (self.config().host.clone(), self.config().port);
        let stream = timeout(response_timeout, TcpStream::connect(address))
            .await
            .map_err(|_| BindFailure::Timeout)??;
        stream.set_nodelay(true)?;
        let (read_half, write_half) = stream.into_split();
        let mut reader = FramedRead::new(read_half, FrameCodec::new());
        let mut writer = FramedWrite::new(write_half, FrameCodec::new());
        let config = self.config();
        let bind = pdu::bind_transceiver(&config.system_id, &config.password, &config.system_type)
            .ok_or(BindFailure::Credentials)?;
        let sequence = self.next_sequence();
        writer.send(pdu::request(sequence, bind)).await?;
        let response = timeout(response_timeout, async {
            while let Some(frame) = reader.next().await {
                if let Frame::Command(command) = frame?
                    && command.sequence_number == sequence
                {
                    return Ok(command);
                }
            }
            Err(BindFailure::Closed)
        })
        .await
        .map_err(|_| BindFailure::Timeout)??;
        match (response.status, response.id()) {
            (CommandStatus::EsmeRok, CommandId::BindTransceiverResp) => Ok((reader, writer)),
            (CommandStatus::EsmeRok, _) => Err(BindFailure::Refused(CommandStatus::EsmeRbindfail)),
            (status, _) => Err(BindFailure::Refused(status)),
        }
    }
}
