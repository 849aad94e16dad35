# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Subscribe to an MQTT topic and print what arrives, as JSON (needs paho-mqtt).

    python mqtt_subscribe.py --url tcp://127.0.0.1:1883 --topic T --ready FILE [--count 1] [--timeout 30]

Writes FILE once the broker has confirmed the subscription, so a test can trigger the
publication only when nothing can be missed. Stops after --count messages or --timeout
seconds, whichever comes first, and prints
{"subscribed": true, "messages": [{"topic", "payload", "qos", "retain"}, ...]}.
"""

import argparse
import json
import sys
import threading
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument('--url', required=True)
    parser.add_argument('--topic', required=True)
    parser.add_argument('--ready', required=True)
    parser.add_argument('--count', type=int, default=1)
    parser.add_argument('--timeout', type=float, default=30)
    args = parser.parse_args(argv)

    url = urlsplit(args.url)
    messages = []
    subscribed = threading.Event()
    done = threading.Event()

    def on_connect(client, userdata, flags, reason_code, properties):
        client.subscribe(args.topic, qos=2)

    def on_subscribe(client, userdata, mid, reason_codes, properties):
        with open(args.ready, 'w') as handle:
            handle.write('subscribed\n')
        subscribed.set()

    def on_message(client, userdata, message):
        messages.append({
            'topic': message.topic,
            'payload': message.payload.decode('utf-8', errors='replace'),
            'qos': message.qos,
            'retain': bool(message.retain),
        })
        if len(messages) >= args.count:
            done.set()

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id='tick-kapacitor-test-subscriber')
    client.on_connect = on_connect
    client.on_subscribe = on_subscribe
    client.on_message = on_message
    client.connect(url.hostname, url.port or 1883)
    client.loop_start()
    try:
        done.wait(args.timeout)
    finally:
        client.loop_stop()
        client.disconnect()
    print(json.dumps({'subscribed': subscribed.is_set(), 'messages': messages}))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
