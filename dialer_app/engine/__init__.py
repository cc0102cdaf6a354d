"""The SIP/RTP engine: the only package that imports pjsua2 (one thread owns it)."""
