// An independent SMSC built on the npm package `smpp` (0.5.1), for giftgate-smpp's
// interoperability test. It accepts one system_id/password, answers submit_sm with hex ids,
// sends a delivery receipt per part (esm_class 0x04, receipted_message_id and message_state
// TLVs, Appendix B text), and after the first submit sends two MO messages: "BAL" (the
// package picks data_coding 1 for GSM text) and Korean text (UCS2). Every event is printed
// to stdout as one JSON line; the test reads them.
'use strict';

const path = require('path');
const smpp = require(path.join(__dirname, 'node_modules', 'smpp'));

const SYSTEM_ID = process.env.SMSC_SYSTEM_ID || 'giftgate';
const PASSWORD = process.env.SMSC_PASSWORD || 'secret';
let nextId = 0x5000;
let moSent = false;

function log(event) {
  process.stdout.write(JSON.stringify(event) + '\n');
}

function stamp(date) {
  const two = (n) => String(n).padStart(2, '0');
  return two(date.getUTCFullYear() % 100) + two(date.getUTCMonth() + 1) + two(date.getUTCDate()) +
    two(date.getUTCHours()) + two(date.getUTCMinutes());
}

const server = smpp.createServer((session) => {
  session.on('bind_transceiver', (pdu) => {
    if (pdu.system_id !== SYSTEM_ID || pdu.password !== PASSWORD) {
      log({ event: 'bind_refused', system_id: pdu.system_id });
      session.send(pdu.response({ command_status: smpp.ESME_RINVPASWD }));
      return;
    }
    log({ event: 'bound', system_id: pdu.system_id, interface_version: pdu.interface_version });
    session.send(pdu.response({ system_id: 'npm-smpp' }));
  });

  session.on('submit_sm', (pdu) => {
    const id = (nextId++).toString(16).toUpperCase();
    session.send(pdu.response({ message_id: id }));
    const sm = pdu.short_message || {};
    const message = Buffer.isBuffer(sm.message) ? sm.message.toString('hex') : sm.message;
    log({
      event: 'submit', id, source: pdu.source_addr, destination: pdu.destination_addr,
      dest_ton: pdu.dest_addr_ton, dest_npi: pdu.dest_addr_npi, data_coding: pdu.data_coding,
      esm_class: pdu.esm_class, registered_delivery: pdu.registered_delivery,
      udh: sm.udh ? sm.udh.map((u) => Array.from(u)) : null, message,
    });
    const now = stamp(new Date());
    setTimeout(() => {
      session.deliver_sm({
        source_addr: pdu.destination_addr,
        destination_addr: pdu.source_addr,
        esm_class: 0x04,
        short_message: 'id:' + id + ' sub:001 dlvrd:001 submit date:' + now + ' done date:' + now +
          ' stat:DELIVRD err:000 text:',
        receipted_message_id: id,
        message_state: 2,
      }, (resp) => log({ event: 'receipt_acked', id, status: resp.command_status }));
    }, 20);
    if (!moSent) {
      moSent = true;
      setTimeout(() => {
        session.deliver_sm({ source_addr: '821012345678', destination_addr: '1555', short_message: 'BAL' },
          (resp) => log({ event: 'mo_acked', text: 'BAL', status: resp.command_status }));
        session.deliver_sm({ source_addr: '01012345678', destination_addr: '1555', short_message: '잔액 확인' },
          (resp) => log({ event: 'mo_acked', text: '잔액 확인', status: resp.command_status }));
      }, 50);
    }
  });

  session.on('enquire_link', (pdu) => session.send(pdu.response()));
  session.on('unbind', (pdu) => {
    log({ event: 'unbind' });
    session.send(pdu.response());
    session.close();
  });
  session.on('error', (err) => log({ event: 'session_error', error: String(err) }));
});

server.listen(0, '127.0.0.1', () => log({ event: 'listening', port: server.address().port }));
