<?php
/** PROXY protocol headers written by hand, for the proxy_protocol*.phpt tests. */

const PP2_SIGNATURE = "\r\n\r\n\0\r\nQUIT\n";

/** A v2 header: command (0 LOCAL, 1 PROXY), family/transport byte, address block + TLVs. */
function pp2(int $cmd, int $fam, string $block): string
{
    return PP2_SIGNATURE . chr(0x20 | $cmd) . chr($fam) . pack('n', strlen($block)) . $block;
}

/** A v2 PROXY header for TCP over IPv4 (0x11) or IPv6 (0x21), with optional TLVs. */
function pp2_inet(string $src, string $dst, int $sport, int $dport, string $tlvs = ''): string
{
    $fam = str_contains($src, ':') ? 0x21 : 0x11;
    return pp2(1, $fam, inet_pton($src) . inet_pton($dst) . pack('nn', $sport, $dport) . $tlvs);
}

/** One TLV: type, 16-bit length, value. */
function pp2_tlv(int $type, string $value): string
{
    return chr($type) . pack('n', strlen($value)) . $value;
}

/** A client with TCP_NODELAY, so each fwrite() leaves as its own segment. */
function nodelay_client(int $port)
{
    $ctx = stream_context_create(['socket' => ['tcp_nodelay' => true]]);
    $c = stream_socket_client("tcp://127.0.0.1:$port", $errno, $errstr, 5, STREAM_CLIENT_CONNECT, $ctx);
    if (!$c) {
        throw new RuntimeException("connect failed: $errstr");
    }
    stream_set_timeout($c, 5);
    return $c;
}

/** This client's own port, as the server sees it without a PROXY header. */
function local_port($c): int
{
    $name = stream_socket_get_name($c, false);
    return (int)substr(strrchr($name, ':'), 1);
}
