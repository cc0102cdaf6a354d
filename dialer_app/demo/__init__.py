"""The built-in demo team: lets a new rep try everything without a Twilio account."""
