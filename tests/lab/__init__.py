"""Test infrastructure: a loopback SIP lab (kamailio + baresip), see sip_lab.py."""
