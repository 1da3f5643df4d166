# A Synapse listener resource that keeps parts of a public listener for this box alone.
#
# Synapse's `client` resource always carries the admin API (/_synapse/admin), and its `federation`
# resource always carries the media API (/_matrix/media): resource names cannot split them off. Mounted
# with `additional_resources` over a path prefix ("/_synapse", "/_matrix"), this takes over the children
# Synapse put there and serves only those named in `public` to everyone; every other child answers only
# requests from this box itself, and anyone else gets Synapse's own 404 M_UNRECOGNIZED, as for a path
# that does not exist. Written beside homeserver.yaml by writeHomeserverConfig.ts (Synapse runs with that
# folder as its working directory, so `python -m` finds it); see homeserver-config/README.md.
import ipaddress

from synapse.http.server import UnrecognizedRequestResource


class PublicChildrenOnly(UnrecognizedRequestResource):
    @staticmethod
    def parse_config(config):
        public = config.get("public") if isinstance(config, dict) else None
        if not isinstance(public, list) or not all(isinstance(name, str) for name in public):
            raise ValueError('blockshare_listener_guard needs config {"public": [child names]}')
        return frozenset(name.encode("ascii") for name in public)

    def __init__(self, public, module_api):
        super().__init__()
        self._public = public

    def getChildWithDefault(self, name, request):
        if name in self._public or from_this_box(request):
            return super().getChildWithDefault(name, request)
        return UnrecognizedRequestResource()


def from_this_box(request):
    """The TCP peer is a loopback address, or the very address the request arrived at (the box calling
    its own mesh address). Neither can be forged over TCP from another machine: the kernel drops
    packets from outside that claim a local source, and the handshake's answer would never leave."""
    peer = _address(request.getClientAddress())
    if peer is None:
        return False
    if peer.is_loopback:
        return True
    return peer == _address(request.getHost())


def _address(endpoint):
    host = getattr(endpoint, "host", None)
    if not isinstance(host, str):
        return None
    try:
        address = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped if mapped is not None else address
