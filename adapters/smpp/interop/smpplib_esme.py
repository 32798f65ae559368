"""An independent ESME built on Python's smpplib (2.2.4), for giftgate-smpp's interop test.

Usage: smpplib_esme.py HOST PORT PYDEPS_DIR

Binds as transceiver to the giftgate SMSC simulator, checks that a wrong password is
refused, sends a GSM text and a long Korean text (smpplib splits it with its own UDH),
waits for a delivery receipt per part, unbinds, and prints one JSON object on stdout.
"""
import json
import sys

sys.path.insert(0, sys.argv[3])

import smpplib.client  # noqa: E402
import smpplib.consts  # noqa: E402
import smpplib.exceptions  # noqa: E402
import smpplib.gsm  # noqa: E402

HOST, PORT = sys.argv[1], int(sys.argv[2])
DESTINATION = "821055550000"
TEXTS = ["Hello from smpplib {1}", "smpplib 선물 " + "안녕하세요 반갑습니다 " * 12]

result = {"wrong_password_status": None, "submitted": [], "receipts": [], "parts": 0}

wrong = smpplib.client.Client(HOST, PORT, timeout=10)
wrong.connect()
try:
    wrong.bind_transceiver(system_id="giftgate", password="wrong")
except smpplib.exceptions.PDUError as err:
    result["wrong_password_status"] = err.args[1]
finally:
    wrong.disconnect()

client = smpplib.client.Client(HOST, PORT, timeout=10, allow_unknown_opt_params=True)


def on_sent(pdu):
    result["submitted"].append(pdu.message_id.decode() if isinstance(pdu.message_id, bytes) else pdu.message_id)


def on_received(pdu):
    receipted = getattr(pdu, "receipted_message_id", None)
    if isinstance(receipted, bytes):
        receipted = receipted.decode()
    result["receipts"].append({"id": receipted, "esm_class": pdu.esm_class, "text": pdu.short_message.decode(errors="replace")})


client.set_message_sent_handler(on_sent)
client.set_message_received_handler(on_received)
client.connect()
client.bind_transceiver(system_id="giftgate", password="secret")

for text in TEXTS:
    parts, encoding_flag, msg_type_flag = smpplib.gsm.make_parts(text)
    for part in parts:
        result["parts"] += 1
        client.send_message(
            source_addr_ton=smpplib.consts.SMPP_TON_UNK,
            source_addr_npi=smpplib.consts.SMPP_NPI_UNK,
            source_addr="1555",
            dest_addr_ton=smpplib.consts.SMPP_TON_INTL,
            dest_addr_npi=smpplib.consts.SMPP_NPI_ISDN,
            destination_addr=DESTINATION,
            short_message=part,
            data_coding=encoding_flag,
            esm_class=msg_type_flag,
            registered_delivery=True,
        )

while len(result["submitted"]) < result["parts"] or len(result["receipts"]) < result["parts"]:
    client.read_once()

client.unbind()
client.disconnect()
result["texts"] = TEXTS
print(json.dumps(result))
