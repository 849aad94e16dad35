#!/usr/bin/env python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""(Re)start a kapacitord the way a service manager does, for the template-and-restart benchmark.

  restart_kapacitord.py --binary B --conf C --pidfile P --log L

Stops the process in the pid file (SIGTERM, waits for it to exit), starts a new one detached
and returns at once, like ``systemctl restart`` of a ``Type=simple`` unit: waiting until the API
answers is the playbook's job. Standard library only.
"""

import argparse
import os
import signal
import subprocess
import sys
import time


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open('/proc/%d/status' % pid) as handle:
            for line in handle:
                if line.startswith('State:'):
                    return 'Z' not in line.split(':', 1)[1]
    except OSError:
        return False
    return True


def stop(pidfile, timeout=30):
    try:
        with open(pidfile) as handle:
            pid = int(handle.read().strip())
    except (OSError, ValueError):
        return
    if not alive(pid):
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.time() + timeout
    while alive(pid):
        if time.time() > deadline:
            os.kill(pid, signal.SIGKILL)
        time.sleep(0.02)


def start(binary, conf, pidfile, log):
    with open(log, 'ab') as logfile:
        proc = subprocess.Popen([binary, '-config', conf], stdout=logfile, stderr=logfile,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    with open(pidfile, 'w') as handle:
        handle.write('%d\n' % proc.pid)
    return proc.pid


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--binary', required=True)
    parser.add_argument('--conf', required=True)
    parser.add_argument('--pidfile', required=True)
    parser.add_argument('--log', required=True)
    args = parser.parse_args()
    stop(args.pidfile)
    pid = start(args.binary, args.conf, args.pidfile, args.log)
    sys.stdout.write('restarted kapacitord (pid %d)\n' % pid)


if __name__ == '__main__':
    main()
