"""Call recordings as files: WAV repair and stereo merge, storage paths, waveforms.

No Qt, no pjsua2, no database here: the engine writes the mono parts, the service
(``services/recordings.py``) decides when to merge, repair or delete, and the UI draws
what ``waveform`` computes.
"""
