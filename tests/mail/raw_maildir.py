"""An aiosmtpd handler that files each message exactly as it came over the
wire (aiosmtpd's own Mailbox handler re-serialises it, refolding headers):

    python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c raw_maildir.RawMaildir DIR
"""
import mailbox


class RawMaildir:
    def __init__(self, path):
        self.maildir = mailbox.Maildir(path, create=True)

    async def handle_DATA(self, server, session, envelope):
        self.maildir.add(envelope.original_content)
        return "250 OK"

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error("The directory for the maildir is required")
        return cls(args[0])
