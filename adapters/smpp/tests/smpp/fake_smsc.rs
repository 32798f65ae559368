//! A raw TCP fake SMSC that misbehaves on purpose: garbage PDUs (answered with
//! generic_nack or a clean reconnect, never a panic), submits never answered and
//! enquire_links never answered (the client reconnects and resubmits).

use std::time::Duration;

use crate::common::{client_config, start_client};
use bytes::{BufMut, BytesMut};
use futures::{SinkExt, StreamExt};
use giftgate_smpp::frame::{Frame, FrameCodec};
use giftgate_smpp::pdu;
use rusmpp::pdus::BindTransceiverResp;
use rusmpp::{Command, CommandId, CommandStatus, Pdu};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio_util::codec::Framed;

/// Accepts one connection and answers its bind_transceiver.
async fn accept_bound(listener: &TcpListener) -> Framed<TcpStream, FrameCodec> {
    let (stream, _) = listener.accept().await.unwrap();
    let mut framed = Framed::new(stream, FrameCodec::new());
    let Some(Ok(Frame::Command(bind))) = framed.next().await else {
        panic!("no bind")
    };
    assert_eq!(bind.id(), CommandId::BindTransceiver);
    let resp = BindTransceiverResp::builder()
        .system_id(pdu::c_string("fake").unwrap())
        .build();
    framed
        .send(Command::new(
            CommandStatus::EsmeRok,
            bind.sequence_number,
            resp,
        ))
        .await
        .unwrap();
    framed
}

fn raw_pdu(command_id: u32, sequence: u32, body: &[u8]) -> Vec<u8> {
    let mut buf = BytesMut::new();
    buf.put_u32(16 + body.len() as u32);
    buf.put_u32(command_id);
    buf.put_u32(0);
    buf.put_u32(sequence);
    buf.put_slice(body);
    buf.to_vec()
}

/// Next PDU that is not an enquire_link.
async fn next_command(framed: &mut Framed<TcpStream, FrameCodec>) -> Command {
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(5), framed.next())
            .await
            .unwrap();
        match frame {
            Some(Ok(Frame::Command(command))) if command.id() != CommandId::EnquireLink => {
                return *command;
            }
            Some(Ok(_)) => continue,
            other => panic!("unexpected {other:?}"),
        }
    }
}

#[actix_rt::test]
async fn malformed_pdus_get_generic_nack_and_a_bad_length_a_clean_reconnect() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (client, _events) = start_client(client_config(listener.local_addr().unwrap()));
    let mut framed = accept_bound(&listener).await;

    // Unknown command id.
    framed
        .get_mut()
        .write_all(&raw_pdu(0x0000_0F0F, 41, &[]))
        .await
        .unwrap();
    let nack = next_command(&mut framed).await;
    assert_eq!(
        (nack.id(), nack.sequence_number, nack.status),
        (CommandId::GenericNack, 41, CommandStatus::EsmeRinvcmdid)
    );

    // deliver_sm cut short in the middle of its fields.
    framed
        .get_mut()
        .write_all(&raw_pdu(0x0000_0005, 42, b"\0\x01\x01123"))
        .await
        .unwrap();
    let nack = next_command(&mut framed).await;
    assert_eq!(
        (nack.id(), nack.sequence_number),
        (CommandId::GenericNack, 42)
    );

    // deliver_sm whose TLV announces more octets than there are.
    let mut body = Vec::new();
    body.extend_from_slice(
        b"\0\x01\x01821012345678\0\0\x001555\0\x00\x00\x00\0\0\x00\x00\x00\x00\x00",
    );
    body.extend_from_slice(&[0x04, 0x27, 0x00, 0x09, 0x41]);
    framed
        .get_mut()
        .write_all(&raw_pdu(0x0000_0005, 43, &body))
        .await
        .unwrap();
    let reply = next_command(&mut framed).await;
    assert_eq!(reply.sequence_number, 43);
    assert!(
        matches!(
            reply.pdu(),
            Some(Pdu::GenericNack) | Some(Pdu::DeliverSmResp(_))
        ),
        "{reply:?}"
    );

    // The session still works.
    assert_eq!(client.bound_count(), 1);

    // A command_length shorter than a header: the stream cannot be trusted, so reconnect.
    framed
        .get_mut()
        .write_all(&[0, 0, 0, 5, 1, 2, 3, 4])
        .await
        .unwrap();
    let mut again = tokio::time::timeout(Duration::from_secs(5), accept_bound(&listener))
        .await
        .unwrap();
    crate::common::eventually("rebound", || client.bound_count() == 1).await;

    // Unbind on shutdown; the fake answers and closes, which is a normal end.
    let shutdown = {
        let client = client.clone();
        tokio::spawn(async move { client.shutdown().await })
    };
    let unbind = next_command(&mut again).await;
    assert_eq!(unbind.id(), CommandId::Unbind);
    again
        .send(Command::new(
            CommandStatus::EsmeRok,
            unbind.sequence_number,
            Pdu::UnbindResp,
        ))
        .await
        .unwrap();
    drop(again);
    tokio::time::timeout(Duration::from_secs(5), shutdown)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(client.bound_count(), 0);
}

fn quick_timeouts(listener: &TcpListener) -> giftgate_smpp::SmppClientConfig {
    giftgate_smpp::SmppClientConfig {
        response_timeout: Duration::from_millis(300),
        ..client_config(listener.local_addr().unwrap())
    }
}

#[actix_rt::test]
async fn a_submit_whose_response_never_comes_is_resubmitted_after_the_rebind() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (client, _events) = start_client(quick_timeouts(&listener));
    let submit = {
        let client = client.clone();
        tokio::spawn(async move {
            client
                .submit(crate::common::sms("m-1", "+821012345678", "once more"))
                .await
        })
    };
    let mut silent = accept_bound(&listener).await;
    let first = next_command(&mut silent).await;
    assert_eq!(first.id(), CommandId::SubmitSm);
    // No answer: after the response timeout the client gives the session up and rebinds.
    let mut answering = tokio::time::timeout(Duration::from_secs(5), accept_bound(&listener))
        .await
        .unwrap();
    let again = next_command(&mut answering).await;
    let (Some(Pdu::SubmitSm(first_sm)), Some(Pdu::SubmitSm(again_sm))) = (first.pdu(), again.pdu())
    else {
        panic!("expected two submit_sm, got {first:?} and {again:?}");
    };
    assert_eq!(first_sm.short_message(), again_sm.short_message());
    let resp = rusmpp::pdus::SubmitSmResp::builder()
        .message_id(pdu::c_string("00ab").unwrap())
        .build();
    answering
        .send(Command::new(
            CommandStatus::EsmeRok,
            again.sequence_number,
            resp,
        ))
        .await
        .unwrap();
    let accepted = submit.await.unwrap().unwrap();
    assert_eq!(accepted.smsc_message_ids[0].raw, "00ab");
    assert_eq!(accepted.smsc_message_ids[0].normalized, "ab");
    drop(silent);
}

#[actix_rt::test]
async fn an_unanswered_enquire_link_leads_to_a_reconnect() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let config = giftgate_smpp::SmppClientConfig {
        enquire_link_interval: Duration::from_millis(100),
        ..quick_timeouts(&listener)
    };
    let (client, _events) = start_client(config);
    let mut mute = accept_bound(&listener).await;
    let enquire = tokio::time::timeout(Duration::from_secs(5), mute.next())
        .await
        .unwrap();
    assert!(matches!(enquire, Some(Ok(Frame::Command(c))) if c.id() == CommandId::EnquireLink));
    let _second = tokio::time::timeout(Duration::from_secs(5), accept_bound(&listener))
        .await
        .unwrap();
    crate::common::eventually("rebound", || client.bound_count() == 1).await;
}
