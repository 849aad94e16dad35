# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Decode SNMP v1/v2c messages (BER) recorded by the test receiver; standard library only.

    python decode_snmp_trap.py BASE64 [BASE64 ...]

Prints a JSON list, one object per datagram:
{"version": "v2c", "community": "...", "pdu": "SNMPv2-Trap", "request_id": 1,
 "error_status": 0, "error_index": 0,
 "varbinds": [{"oid": "1.3.6.1.2.1.1.3.0", "type": "TimeTicks", "value": 1000}, ...]}
Octet strings are decoded as UTF-8 when possible, else given as hex. A datagram that is not
valid BER fails the script with a message naming the offset.
"""

import base64
import json
import sys

VERSIONS = {0: 'v1', 1: 'v2c', 3: 'v3'}
PDUS = {
    0xa0: 'GetRequest', 0xa1: 'GetNextRequest', 0xa2: 'Response', 0xa3: 'SetRequest',
    0xa4: 'Trap-v1', 0xa5: 'GetBulkRequest', 0xa6: 'InformRequest', 0xa7: 'SNMPv2-Trap',
    0xa8: 'Report',
}
TYPES = {
    0x02: 'INTEGER', 0x04: 'OCTET STRING', 0x05: 'NULL', 0x06: 'OBJECT IDENTIFIER',
    0x40: 'IpAddress', 0x41: 'Counter32', 0x42: 'Gauge32', 0x43: 'TimeTicks', 0x44: 'Opaque',
    0x46: 'Counter64', 0x80: 'noSuchObject', 0x81: 'noSuchInstance', 0x82: 'endOfMibView',
}


class BERError(ValueError):
    pass


def read_tlv(data, pos):
    """One BER element at pos: (tag, value bytes, position after it)."""
    if pos + 2 > len(data):
        raise BERError('truncated element at offset %d' % pos)
    tag = data[pos]
    length = data[pos + 1]
    pos += 2
    if length & 0x80:
        count = length & 0x7f
        if count == 0 or count > 4 or pos + count > len(data):
            raise BERError('bad length at offset %d' % (pos - 1))
        length = int.from_bytes(data[pos:pos + count], 'big')
        pos += count
    end = pos + length
    if end > len(data):
        raise BERError('element at offset %d runs past the end' % pos)
    return tag, data[pos:end], end


def children(data):
    pos = 0
    while pos < len(data):
        tag, value, pos = read_tlv(data, pos)
        yield tag, value


def decode_oid(value):
    if not value:
        raise BERError('empty OID')
    arcs = []
    number = 0
    for byte in value:
        number = (number << 7) | (byte & 0x7f)
        if not byte & 0x80:
            arcs.append(number)
            number = 0
    first = arcs[0]
    head = [min(first // 40, 2), first - 40 * min(first // 40, 2)]
    return '.'.join(str(arc) for arc in head + arcs[1:])


def decode_value(tag, value):
    if tag == 0x02:
        return int.from_bytes(value, 'big', signed=True)
    if tag in (0x41, 0x42, 0x43, 0x46):
        return int.from_bytes(value, 'big', signed=False)
    if tag == 0x04 or tag == 0x44:
        try:
            return value.decode('utf-8')
        except UnicodeDecodeError:
            return value.hex()
    if tag == 0x06:
        return decode_oid(value)
    if tag == 0x40:
        return '.'.join(str(b) for b in value)
    return None


def sequence(tag, value, what):
    if tag != 0x30:
        raise BERError('%s: expected a SEQUENCE, found tag 0x%02x' % (what, tag))
    return list(children(value))


def decode_message(data):
    tag, body, end = read_tlv(data, 0)
    if end != len(data):
        raise BERError('%d bytes after the message' % (len(data) - end))
    parts = sequence(tag, body, 'message')
    if len(parts) != 3:
        raise BERError('message: expected version, community and PDU')
    (vtag, version), (ctag, community), (ptag, pdu) = parts
    if vtag != 0x02 or ctag != 0x04:
        raise BERError('message: bad version or community')
    fields = list(children(pdu))
    out = {
        'version': VERSIONS.get(decode_value(0x02, version), decode_value(0x02, version)),
        'community': decode_value(0x04, community),
        'pdu': PDUS.get(ptag, '0x%02x' % ptag),
    }
    if ptag == 0xa4:
        raise BERError('SNMPv1 Trap-PDU is not supported by this decoder')
    if len(fields) != 4:
        raise BERError('PDU: expected request-id, error-status, error-index and varbinds')
    out['request_id'] = decode_value(0x02, fields[0][1])
    out['error_status'] = decode_value(0x02, fields[1][1])
    out['error_index'] = decode_value(0x02, fields[2][1])
    out['varbinds'] = []
    for vbtag, varbind in sequence(fields[3][0], fields[3][1], 'varbind list'):
        pair = sequence(vbtag, varbind, 'varbind')
        if len(pair) != 2 or pair[0][0] != 0x06:
            raise BERError('varbind: expected an OID and a value')
        vtype, vvalue = pair[1]
        out['varbinds'].append({
            'oid': decode_oid(pair[0][1]),
            'type': TYPES.get(vtype, '0x%02x' % vtype),
            'value': decode_value(vtype, vvalue),
        })
    return out


def main(argv):
    decoded = []
    for index, text in enumerate(argv):
        try:
            decoded.append(decode_message(base64.b64decode(text, validate=True)))
        except (BERError, ValueError) as exc:
            sys.stderr.write('datagram %d: %s\n' % (index, exc))
            return 1
    print(json.dumps(decoded, indent=1))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
