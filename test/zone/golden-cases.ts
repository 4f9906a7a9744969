/**
 * Golden RDATA cases: presentation text (origin `example.`) → wire hex, and
 * the text signet prints for that wire form (`printed`, when it differs from
 * the input). The wire hex of the RFC examples and of most other cases was
 * cross-checked with `ldns-read-zone -U SOA`, which prints RDATA in the
 * RFC 3597 form. Types without a codec (NULL, WKS) print in that form too.
 */
export interface GoldenCase {
  type: string;
  text: string;
  hex: string;
  printed?: string;
}

const RFC4034_DNSKEY = 'AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJaNXVbfi/2pHm822aJ5iI9BMzNXxeYCmZDRD99WYwYqUSdjMmmAphXdvxegXd/M5+X7OrzKBaMbCVdFLUUh6DhweJBjEVv5f2wwjM9XzcnOf+EPbtG9DMBmADjFDc2w/rljwvFw==';
const RFC4034_RRSIG_SIG = 'oJB1W6WNGv+ldvQ3WDG0MQkg5IEhjRip8WTrPYGv07h108dUKGMeDPKijVCHX3DDKdfb+v6oB9wfuh3DTJXUAfI/M0zmO/zz8bW0Rznl8O3tGNazPwQKkRN20XPXV6nwwfoXmJQbsLNrLfkGJ5D6fwFm8nN+6pBzeDQfsS3Ap3o=';

export const GOLDEN: readonly GoldenCase[] = [
  { type: 'A', text: '192.0.2.1', hex: 'c0000201' },
  { type: 'AAAA', text: '2001:db8::1', hex: '20010db8000000000000000000000001' },
  { type: 'AAAA', text: '2001:DB8:0:0:1:0:0:1', hex: '20010db8000000000001000000000001', printed: '2001:db8::1:0:0:1' },
  { type: 'AAAA', text: '::ffff:192.0.2.1', hex: '00000000000000000000ffffc0000201' },
  { type: 'AAAA', text: '::', hex: '00000000000000000000000000000000' },
  { type: 'NS', text: 'ns1.Example.', hex: '036e7331074578616d706c6500' },
  { type: 'NS', text: 'ns1', hex: '036e7331076578616d706c6500', printed: 'ns1.example.' },
  { type: 'CNAME', text: 'Target.example.', hex: '06546172676574076578616d706c6500' },
  { type: 'DNAME', text: 'other.example.', hex: '056f74686572076578616d706c6500' },
  { type: 'PTR', text: 'host.example.', hex: '04686f7374076578616d706c6500' },
  { type: 'SOA', text: 'ns1.example. hostmaster.Example. 2024010101 7200 1800 1209600 300', hex: '036e7331076578616d706c65000a686f73746d6173746572074578616d706c650078a3f17500001c2000000708001275000000012c' },
  { type: 'SOA', text: 'ns1 hostmaster 1 2h 30m 2w 5M', hex: '036e7331076578616d706c65000a686f73746d6173746572076578616d706c65000000000100001c2000000708001275000000012c', printed: 'ns1.example. hostmaster.example. 1 7200 1800 1209600 300' },
  { type: 'MX', text: '10 mail.example.', hex: '000a046d61696c076578616d706c6500' },
  { type: 'MX', text: '0 .', hex: '000000' },
  { type: 'TXT', text: '"hello world" "a\\"b" \\065\\066 ""', hex: '0b68656c6c6f20776f726c640361226202414200', printed: '"hello world" "a\\"b" "AB" ""' },
  { type: 'TXT', text: '"\\\\ ; ( ) \\009 \\255"', hex: '0b5c203b2028202920092' + '0ff', printed: '"\\\\ ; ( ) \\009 \\255"' },
  { type: 'SPF', text: '"v=spf1 -all"', hex: '0b763d73706631202d616c6c' },
  { type: 'HINFO', text: '"PC-Intel-700mhz" "Linux 2.4"', hex: '0f50432d496e74656c2d3730306d687a094c696e757820322e34' },
  { type: 'HINFO', text: 'PC Linux', hex: '025043054c696e7578', printed: '"PC" "Linux"' },
  { type: 'RP', text: 'admin.example. txt.example.', hex: '0561646d696e076578616d706c650003747874076578616d706c6500' },
  { type: 'SRV', text: '0 5 5060 sip.example.', hex: '0000000513c403736970076578616d706c6500' },
  { type: 'NAPTR', text: '100 10 "S" "SIP+D2U" "" _sip._udp.example.', hex: '0064000a0153075349502b44325500045f736970045f756470076578616d706c6500' },
  { type: 'CAA', text: '0 issue "letsencrypt.org"', hex: '000569737375656c657473656e63727970742e6f7267' },
  { type: 'CAA', text: '128 tbs ca.example', hex: '80037462736361' + '2e6578616d706c65', printed: '128 tbs "ca.example"' },
  { type: 'URI', text: '10 1 "ftp://ftp1.example.com/public"', hex: '000a00016674703a2f2f667470312e6578616d706c652e636f6d2f7075626c6963' },
  { type: 'TLSA', text: '3 1 1 0D6FCE3BDE2BB00A0F4ABC7A5A8E52D90DE4DC3A34A6B17ED22727DDC0DB4E8F', hex: '0301010d6fce3bde2bb00a0f4abc7a5a8e52d90de4dc3a34a6b17ed22727ddc0db4e8f' },
  { type: 'TLSA', text: '3 1 1 ( 0d6fce3bde2bb00a0f4abc7a5a8e52d9\n 0de4dc3a34a6b17ed22727ddc0db4e8f )', hex: '0301010d6fce3bde2bb00a0f4abc7a5a8e52d90de4dc3a34a6b17ed22727ddc0db4e8f', printed: '3 1 1 0D6FCE3BDE2BB00A0F4ABC7A5A8E52D90DE4DC3A34A6B17ED22727DDC0DB4E8F' },
  { type: 'SMIMEA', text: '3 0 1 ABCDEF', hex: '030001abcdef' },
  { type: 'SSHFP', text: '4 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF', hex: '04020123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef' },
  { type: 'OPENPGPKEY', text: 'AQID BAUG', hex: '010203040506', printed: 'AQIDBAUG' },
  { type: 'SVCB', text: '1 svc.example. alpn="h2,h3" port=8443 ipv4hint=192.0.2.1 ech=AQID ipv6hint=2001:db8::1 mandatory=alpn', hex: '000103737663076578616d706c6500000000020001000100060268320268330003000220fb00040004c0000201000500030102030006001020010db8000000000000000000000001', printed: '1 svc.example. mandatory=alpn alpn="h2,h3" port=8443 ipv4hint=192.0.2.1 ech=AQID ipv6hint=2001:db8::1' },
  { type: 'SVCB', text: '0 pool.svc.example.', hex: '000004706f6f6c03737663076578616d706c6500' },
  { type: 'SVCB', text: '3 . alpn="h\\\\,2,h3" key7=/q{?dns}', hex: '0003000001000703682c32026833000700082f717b3f646e737d', printed: '3 . alpn="h\\\\,2,h3" key7="/q{?dns}"' },
  { type: 'HTTPS', text: '1 . alpn=h2 no-default-alpn key667=hello', hex: '0001000001000302683200020000029b000568656c6c6f', printed: '1 . alpn="h2" no-default-alpn key667="hello"' },
  { type: 'HTTPS', text: '1 . key65000 port="443" ipv4hint="192.0.2.1,192.0.2.2"', hex: '00010000030002' + '01bb' + '00040008c0000201c0000202' + 'fde80000', printed: '1 . port=443 ipv4hint=192.0.2.1,192.0.2.2 key65000' },
  { type: 'DS', text: '60485 5 1 ( 2BB183AF5F22588179A53B0A9\n 8631FAD1A292118 )', hex: 'ec4505012bb183af5f22588179a53b0a98631fad1a292118', printed: '60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118' },
  { type: 'DS', text: '60485 RSASHA1 1 2bb183af5f22588179a53b0a98631fad1a292118', hex: 'ec4505012bb183af5f22588179a53b0a98631fad1a292118', printed: '60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118' },
  { type: 'CDS', text: '0 0 0 00', hex: '0000000000' },
  { type: 'DNSKEY', text: `256 3 5 ( ${RFC4034_DNSKEY.slice(0, 40)}\n ${RFC4034_DNSKEY.slice(40)} )`, hex: '0100030501039e8a247418e318903b215a848acfd5f37f026bd4062db26c774c690968d5d56df8bfda91e6f36d9a279888f41333357c5e6029990d10fdf5663062a512763326980a615ddbf17a05ddfcce7e5fb3abcca05a31b0957452d4521e83870789063115bf97f6c308ccf57cdc9ce7fe10f6ed1bd0cc0660038c50dcdb0feb963c2f17', printed: `256 3 5 ${RFC4034_DNSKEY}` },
  { type: 'CDNSKEY', text: '0 3 0 AA==', hex: '0000030000' },
  { type: 'RRSIG', text: `A 5 3 86400 20030322173103 20030220173103 2642 example. ${RFC4034_RRSIG_SIG}`, hex: '00010503000151803e7c9dd73e5510d70a52076578616d706c6500a090755ba58d1affa576f4375831b4310920e481218d18a9f164eb3d81afd3b875d3c75428631e0cf2a28d50875f70c329d7dbfafea807dc1fba1dc34c95d401f23f334ce63bfcf3f1b5b44739e5f0eded18d6b33f040a911376d173d757a9f0c1fa1798941bb0b36b2df9062790fa7f0166f2737eea907378341fb12dc0a77a' },
  { type: 'RRSIG', text: `TYPE65280 13 2 300 1700000000 1600000000 1 example. AQID`, hex: 'ff000d020000012c6553f1005f5e1000000107' + '6578616d706c6500010203', printed: 'TYPE65280 13 2 300 20231114221320 20200913122640 1 example. AQID' },
  { type: 'NSEC', text: 'host.example. A MX RRSIG NSEC TYPE1234', hex: '04686f7374076578616d706c65000006400100000003041b000000000000000000000000000000000000000000000000000020' },
  { type: 'NSEC3', text: '1 1 12 aabbccdd 2vptu5timamqttgl4luu9kg21e0aor3s A RRSIG', hex: '0101000c04aabbccdd1417f3df17b2b2adaef615257de4d2020b80ac6c7c0006400000000002', printed: '1 1 12 AABBCCDD 2vptu5timamqttgl4luu9kg21e0aor3s A RRSIG' },
  { type: 'NSEC3', text: '1 0 0 - 2VPTU5TIMAMQTTGL4LUU9KG21E0AOR3S', hex: '01000000001417f3df17b2b2adaef615257de4d2020b80ac6c7c', printed: '1 0 0 - 2vptu5timamqttgl4luu9kg21e0aor3s' },
  { type: 'NSEC3PARAM', text: '1 0 12 aabbccdd', hex: '0100000c04aabbccdd', printed: '1 0 12 AABBCCDD' },
  { type: 'NSEC3PARAM', text: '1 0 0 -', hex: '0100000000' },
  { type: 'EUI48', text: '00-00-5e-00-53-2a', hex: '00005e00532a' },
  { type: 'EUI64', text: '00-00-5e-ef-10-00-00-2a', hex: '00005eef1000002a' },
  { type: 'TYPE65280', text: '\\# 4 0A000001', hex: '0a000001' },
  { type: 'TYPE65281', text: '\\# 0', hex: '' },
  { type: 'A', text: '\\# 4 C0000201', hex: 'c0000201', printed: '192.0.2.1' },
  { type: 'TYPE1', text: '192.0.2.1', hex: 'c0000201' },
  { type: 'TYPE15', text: '\\# 3 ( 00 0a\n 00 )', hex: '000a00', printed: '10 .' },
  { type: 'LOC', text: '52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m', hex: '000016138b3cf018810cbce0009895b8', printed: '52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000.00m 10.00m' },
  { type: 'LOC', text: '42 21 54 N 71 06 18 W -24m 30m', hex: '0033161389172dd070be15f000988d20', printed: '42 21 54.000 N 71 6 18.000 W -24.00m 30.00m 10000.00m 10.00m' },
  { type: 'LOC', text: '90 S 180 W 42849672.95m 90000000m 90000000m 90000000m', hex: '009999996cb0270059604e00ffffffff', printed: '90 0 0.000 S 180 0 0.000 W 42849672.95m 90000000.00m 90000000.00m 90000000.00m' },
  { type: 'LOC', text: '0 N 0 E 0m 1.5m 0.2m 0.01m', hex: '00122110800000008000000000989680', printed: '0 0 0.000 N 0 0 0.000 E 0.00m 1.00m 0.20m 0.01m' },
  { type: 'CERT', text: 'PGP 0 0 AQID', hex: '0003000000010203', printed: '3 0 0 AQID' },
  { type: 'CERT', text: '1 12345 RSASHA256 AQID BAUG', hex: '0001303908010203040506', printed: '1 12345 8 AQIDBAUG' },
  { type: 'NULL', text: '\\# 3 010203', hex: '010203' },
  { type: 'WKS', text: '\\# 6 C000020106E0', hex: 'c000020106e0' },
];
