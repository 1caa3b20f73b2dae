/**
 * OpenSSL 3.0 session files and their `openssl sess_id -text -noout` printouts, copied verbatim
 * from shared/golden/openssl-3.0/sessions/ so that the tests never read /work/shared at run time.
 */

/** from shared/golden/openssl-3.0/sessions/s13.pem, written by OpenSSL 3.0.19 */
export const s13Pem = `-----BEGIN SSL SESSION PARAMETERS-----
MIIC+gIBAQICAwQEAhMCBCCAmVzmfpSlJefVeSBOGOpEeAmdRBlZBCxyByDb8sJ5
RwQwbGVJBoTmA7ob2bG5NOuN74nijhUmxn89x1U/fIT6M8Jllt1DApsFafnHA7rm
0n/eoQYCBGsCKDKiBAICHCCjggGcMIIBmDCCAT+gAwIBAgIUMeQR47IET3pVPF86
9N0ztgGsUj0wCgYIKoZIzj0EAwIwFDESMBAGA1UEAwwJbG9jYWxob3N0MB4XDTI2
MTEyMTIzMjQzMloXDTI2MTIyMTIzMjQzMlowFDESMBAGA1UEAwwJbG9jYWxob3N0
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEVefdy/aIuV0DdtzLRHLVZjFCSE3h
T2HfhD4pi0WAggdTqFd2eB0pR4MJwEIA6I2CS/tKS4lSO0zum2Kmof14vKNvMG0w
HQYDVR0OBBYEFDQYRY8Bn3KIqpSImFUiHh/Z9hpUMB8GA1UdIwQYMBaAFDQYRY8B
n3KIqpSImFUiHh/Z9hpUMA8GA1UdEwEB/wQFMAMBAf8wGgYDVR0RBBMwEYIJbG9j
YWxob3N0hwR/AAABMAoGCCqGSM49BAMCA0cAMEQCIEbOR29Y8O4JlJmb3rIF8jik
J0JKE58W3LeaDMdMujXAAiBTemPV/f0OdeOG+iqCa2wBBvpyDiAEcS3U0Cme9PZ2
ZqQCBACpBAICHCCqgdMEgdBfaM5bofJbzS9k7bqseTd/PiTLWSeVbN5yrKTjJjM/
snJMV8em9P3o3G49YbSwd+4Mg+iS1DlhGTyjA1GsVkq0vPvfmXxjhhgS5DhuK4s3
LRNPftQ4Sd3Q2zf25pvT+cMTKFW83/652hkM17fiEYwy7YxH+c8o8UzLjLp/KJC8
17DNMObxV22scCPGm7+0ZUt8Ue7TzNHvqSfG0QbB/qsSZwxJLdQ5uCPe77f5y64M
E1uXicRkrAjlzKbcacmwBp+f5bJqQQ8CbvvF2dcOZKpCrgYCBHaDgOezAwIBHQ==
-----END SSL SESSION PARAMETERS-----
`;

/** from shared/golden/openssl-3.0/sessions/s13.sess_id.txt (`openssl sess_id -text -noout`, OpenSSL 3.0.19) */
export const s13SessIdText = `SSL-Session:
    Protocol  : TLSv1.3
    Cipher    : TLS_AES_256_GCM_SHA384
    Session-ID: 80995CE67E94A525E7D579204E18EA4478099D441959042C720720DBF2C27947
    Session-ID-ctx: 
    Resumption PSK: 6C65490684E603BA1BD9B1B934EB8DEF89E28E1526C67F3DC7553F7C84FA33C26596DD43029B0569F9C703BAE6D27FDE
    PSK identity: None
    PSK identity hint: None
    SRP username: None
    TLS session ticket lifetime hint: 7200 (seconds)
    TLS session ticket:
    0000 - 5f 68 ce 5b a1 f2 5b cd-2f 64 ed ba ac 79 37 7f   _h.[..[./d...y7.
    0010 - 3e 24 cb 59 27 95 6c de-72 ac a4 e3 26 33 3f b2   >$.Y'.l.r...&3?.
    0020 - 72 4c 57 c7 a6 f4 fd e8-dc 6e 3d 61 b4 b0 77 ee   rLW......n=a..w.
    0030 - 0c 83 e8 92 d4 39 61 19-3c a3 03 51 ac 56 4a b4   .....9a.<..Q.VJ.
    0040 - bc fb df 99 7c 63 86 18-12 e4 38 6e 2b 8b 37 2d   ....|c....8n+.7-
    0050 - 13 4f 7e d4 38 49 dd d0-db 37 f6 e6 9b d3 f9 c3   .O~.8I...7......
    0060 - 13 28 55 bc df fe b9 da-19 0c d7 b7 e2 11 8c 32   .(U............2
    0070 - ed 8c 47 f9 cf 28 f1 4c-cb 8c ba 7f 28 90 bc d7   ..G..(.L....(...
    0080 - b0 cd 30 e6 f1 57 6d ac-70 23 c6 9b bf b4 65 4b   ..0..Wm.p#....eK
    0090 - 7c 51 ee d3 cc d1 ef a9-27 c6 d1 06 c1 fe ab 12   |Q......'.......
    00a0 - 67 0c 49 2d d4 39 b8 23-de ef b7 f9 cb ae 0c 13   g.I-.9.#........
    00b0 - 5b 97 89 c4 64 ac 08 e5-cc a6 dc 69 c9 b0 06 9f   [...d......i....
    00c0 - 9f e5 b2 6a 41 0f 02 6e-fb c5 d9 d7 0e 64 aa 42   ...jA..n.....d.B

    Start Time: 1795303474
    Timeout   : 7200 (sec)
    Verify return code: 0 (ok)
    Extended master secret: no
    Max Early Data: 0
`;

/** from shared/golden/openssl-3.0/sessions/s12.pem, written by OpenSSL 3.0.19 */
export const s12Pem = `-----BEGIN SSL SESSION PARAMETERS-----
MIIC1wIBAQICAwMEAsAsBCD1AKg62ofTzxbOJ6Z0y9qGXTBjrO7DAjeenbTmkT6z
TQQwxN8cIdgDF/ep1bGJx59syn/TbMr1HRf/TTI+xNDwlp/XMf5z6ZK1NB5OtXM2
y6HvoQYCBGsCKHqiBAICHCCjggGcMIIBmDCCAT+gAwIBAgIUMeQR47IET3pVPF86
9N0ztgGsUj0wCgYIKoZIzj0EAwIwFDESMBAGA1UEAwwJbG9jYWxob3N0MB4XDTI2
MTEyMTIzMjQzMloXDTI2MTIyMTIzMjQzMlowFDESMBAGA1UEAwwJbG9jYWxob3N0
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEVefdy/aIuV0DdtzLRHLVZjFCSE3h
T2HfhD4pi0WAggdTqFd2eB0pR4MJwEIA6I2CS/tKS4lSO0zum2Kmof14vKNvMG0w
HQYDVR0OBBYEFDQYRY8Bn3KIqpSImFUiHh/Z9hpUMB8GA1UdIwQYMBaAFDQYRY8B
n3KIqpSImFUiHh/Z9hpUMA8GA1UdEwEB/wQFMAMBAf8wGgYDVR0RBBMwEYIJbG9j
YWxob3N0hwR/AAABMAoGCCqGSM49BAMCA0cAMEQCIEbOR29Y8O4JlJmb3rIF8jik
J0JKE58W3LeaDMdMujXAAiBTemPV/f0OdeOG+iqCa2wBBvpyDiAEcS3U0Cme9PZ2
ZqQCBACpBAICHCCqgbMEgbBfaM5bofJbzS9k7bqseTd/2Gl0Ug0tvqGOfn837y+B
oWO+0BzlhBMZSPWX5YdtCLcgTNISak0qwI4Zw2FQxV9Rt/DKDQ8HNN8XGsDC7Xvd
lqiaxRYxDiK88Etk92qknk0+A38DTZNuflqial87Bz5yHSiZr2yH+0SgwxX2LPeX
PpecmrcQEDWukg1vauM3zY6lYgzICsSC9r7gtxX27zAWDM61/WyBte36kwjsauwD
ta0DAgEBswMCAR0=
-----END SSL SESSION PARAMETERS-----
`;

/** from shared/golden/openssl-3.0/sessions/s12.sess_id.txt (`openssl sess_id -text -noout`, OpenSSL 3.0.19) */
export const s12SessIdText = `SSL-Session:
    Protocol  : TLSv1.2
    Cipher    : ECDHE-ECDSA-AES256-GCM-SHA384
    Session-ID: F500A83ADA87D3CF16CE27A674CBDA865D3063ACEEC302379E9DB4E6913EB34D
    Session-ID-ctx: 
    Master-Key: C4DF1C21D80317F7A9D5B189C79F6CCA7FD36CCAF51D17FF4D323EC4D0F0969FD731FE73E992B5341E4EB57336CBA1EF
    PSK identity: None
    PSK identity hint: None
    SRP username: None
    TLS session ticket lifetime hint: 7200 (seconds)
    TLS session ticket:
    0000 - 5f 68 ce 5b a1 f2 5b cd-2f 64 ed ba ac 79 37 7f   _h.[..[./d...y7.
    0010 - d8 69 74 52 0d 2d be a1-8e 7e 7f 37 ef 2f 81 a1   .itR.-...~.7./..
    0020 - 63 be d0 1c e5 84 13 19-48 f5 97 e5 87 6d 08 b7   c.......H....m..
    0030 - 20 4c d2 12 6a 4d 2a c0-8e 19 c3 61 50 c5 5f 51    L..jM*....aP._Q
    0040 - b7 f0 ca 0d 0f 07 34 df-17 1a c0 c2 ed 7b dd 96   ......4......{..
    0050 - a8 9a c5 16 31 0e 22 bc-f0 4b 64 f7 6a a4 9e 4d   ....1."..Kd.j..M
    0060 - 3e 03 7f 03 4d 93 6e 7e-5a a2 6a 5f 3b 07 3e 72   >...M.n~Z.j_;.>r
    0070 - 1d 28 99 af 6c 87 fb 44-a0 c3 15 f6 2c f7 97 3e   .(..l..D....,..>
    0080 - 97 9c 9a b7 10 10 35 ae-92 0d 6f 6a e3 37 cd 8e   ......5...oj.7..
    0090 - a5 62 0c c8 0a c4 82 f6-be e0 b7 15 f6 ef 30 16   .b............0.
    00a0 - 0c ce b5 fd 6c 81 b5 ed-fa 93 08 ec 6a ec 03 b5   ....l.......j...

    Start Time: 1795303546
    Timeout   : 7200 (sec)
    Verify return code: 0 (ok)
    Extended master secret: yes
`;

/** from shared/golden/openssl-3.0/sessions/s12_sid.pem, written by OpenSSL 3.0.19 */
export const s12SidPem = `-----BEGIN SSL SESSION PARAMETERS-----
MIICGwIBAQICAwMEAsAsBCDaeaP5fhWL8hcJEhCx/1cPucDE/UqLIq/qActtDKLs
DAQwbsbUzDdHPCiT6h5d2iT3gcvBtPESe8AhAzbbMy+2GYhI5Atjt3zR2lPHG8wv
ln2AoQYCBGsCKICiBAICHCCjggGcMIIBmDCCAT+gAwIBAgIUMeQR47IET3pVPF86
9N0ztgGsUj0wCgYIKoZIzj0EAwIwFDESMBAGA1UEAwwJbG9jYWxob3N0MB4XDTI2
MTEyMTIzMjQzMloXDTI2MTIyMTIzMjQzMlowFDESMBAGA1UEAwwJbG9jYWxob3N0
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEVefdy/aIuV0DdtzLRHLVZjFCSE3h
T2HfhD4pi0WAggdTqFd2eB0pR4MJwEIA6I2CS/tKS4lSO0zum2Kmof14vKNvMG0w
HQYDVR0OBBYEFDQYRY8Bn3KIqpSImFUiHh/Z9hpUMB8GA1UdIwQYMBaAFDQYRY8B
n3KIqpSImFUiHh/Z9hpUMA8GA1UdEwEB/wQFMAMBAf8wGgYDVR0RBBMwEYIJbG9j
YWxob3N0hwR/AAABMAoGCCqGSM49BAMCA0cAMEQCIEbOR29Y8O4JlJmb3rIF8jik
J0JKE58W3LeaDMdMujXAAiBTemPV/f0OdeOG+iqCa2wBBvpyDiAEcS3U0Cme9PZ2
ZqQCBACtAwIBAbMDAgEd
-----END SSL SESSION PARAMETERS-----
`;

/** from shared/golden/openssl-3.0/sessions/s12_sid.sess_id.txt (`openssl sess_id -text -noout`, OpenSSL 3.0.19) */
export const s12SidSessIdText = `SSL-Session:
    Protocol  : TLSv1.2
    Cipher    : ECDHE-ECDSA-AES256-GCM-SHA384
    Session-ID: DA79A3F97E158BF217091210B1FF570FB9C0C4FD4A8B22AFEA01CB6D0CA2EC0C
    Session-ID-ctx: 
    Master-Key: 6EC6D4CC37473C2893EA1E5DDA24F781CBC1B4F1127BC0210336DB332FB6198848E40B63B77CD1DA53C71BCC2F967D80
    PSK identity: None
    PSK identity hint: None
    SRP username: None
    Start Time: 1795303552
    Timeout   : 7200 (sec)
    Verify return code: 0 (ok)
    Extended master secret: yes
`;

/** from shared/golden/openssl-3.0/sessions/s13_stateful.pem, written by OpenSSL 3.0.19 */
export const s13StatefulPem = `-----BEGIN SSL SESSION PARAMETERS-----
MIICSQIBAQICAwQEAhMCBCB1Mnr9pIqq8Gn2fNMOV4Ot7CwxQMhQXfjm9kqu4WSc
9gQwoLHYjPHsjuICGVLdeOaHgJtgBJ1rsy8Wv06ZL1GsO1smGhC50XkwPLtjJzY+
9H48oQYCBGsCKF2iBAICHCCjggGcMIIBmDCCAT+gAwIBAgIUMeQR47IET3pVPF86
9N0ztgGsUj0wCgYIKoZIzj0EAwIwFDESMBAGA1UEAwwJbG9jYWxob3N0MB4XDTI2
MTEyMTIzMjQzMloXDTI2MTIyMTIzMjQzMlowFDESMBAGA1UEAwwJbG9jYWxob3N0
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEVefdy/aIuV0DdtzLRHLVZjFCSE3h
T2HfhD4pi0WAggdTqFd2eB0pR4MJwEIA6I2CS/tKS4lSO0zum2Kmof14vKNvMG0w
HQYDVR0OBBYEFDQYRY8Bn3KIqpSImFUiHh/Z9hpUMB8GA1UdIwQYMBaAFDQYRY8B
n3KIqpSImFUiHh/Z9hpUMA8GA1UdEwEB/wQFMAMBAf8wGgYDVR0RBBMwEYIJbG9j
YWxob3N0hwR/AAABMAoGCCqGSM49BAMCA0cAMEQCIEbOR29Y8O4JlJmb3rIF8jik
J0JKE58W3LeaDMdMujXAAiBTemPV/f0OdeOG+iqCa2wBBvpyDiAEcS3U0Cme9PZ2
ZqQCBACpBAICHCCqIgQgVTXexcUzRvoL5tL+YUvbqCKopUfxImolNl4+UZtAexuu
BwIFAOBmwnOzAwIBHQ==
-----END SSL SESSION PARAMETERS-----
`;

/** from shared/golden/openssl-3.0/sessions/s13_stateful.sess_id.txt (`openssl sess_id -text -noout`, OpenSSL 3.0.19) */
export const s13StatefulSessIdText = `SSL-Session:
    Protocol  : TLSv1.3
    Cipher    : TLS_AES_256_GCM_SHA384
    Session-ID: 75327AFDA48AAAF069F67CD30E5783ADEC2C3140C8505DF8E6F64AAEE1649CF6
    Session-ID-ctx: 
    Resumption PSK: A0B1D88CF1EC8EE2021952DD78E687809B60049D6BB32F16BF4E992F51AC3B5B261A10B9D179303CBB6327363EF47E3C
    PSK identity: None
    PSK identity hint: None
    SRP username: None
    TLS session ticket lifetime hint: 7200 (seconds)
    TLS session ticket:
    0000 - 55 35 de c5 c5 33 46 fa-0b e6 d2 fe 61 4b db a8   U5...3F.....aK..
    0010 - 22 a8 a5 47 f1 22 6a 25-36 5e 3e 51 9b 40 7b 1b   "..G."j%6^>Q.@{.

    Start Time: 1795303517
    Timeout   : 7200 (sec)
    Verify return code: 0 (ok)
    Extended master secret: no
    Max Early Data: 0
`;

/** from shared/golden/openssl-3.0/sessions/ed13.pem, written by OpenSSL 3.0.19 */
export const ed13Pem = `-----BEGIN SSL SESSION PARAMETERS-----
MIICXAIBAQICAwQEAhMCBCCluT1H5tIvqP/0Ql3uyO/2BY6U/5gIKQtmcgJuIuMx
XwQw2tVxlXidGDpBkGLsqtv1/19u+Dd+L3kyOPTDdxh2bNzA4HPt6wSPiTZbAQ4Y
2umDoQYCBGsCKgqiBAICHCCjggGcMIIBmDCCAT+gAwIBAgIUMeQR47IET3pVPF86
9N0ztgGsUj0wCgYIKoZIzj0EAwIwFDESMBAGA1UEAwwJbG9jYWxob3N0MB4XDTI2
MTEyMTIzMjQzMloXDTI2MTIyMTIzMjQzMlowFDESMBAGA1UEAwwJbG9jYWxob3N0
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEVefdy/aIuV0DdtzLRHLVZjFCSE3h
T2HfhD4pi0WAggdTqFd2eB0pR4MJwEIA6I2CS/tKS4lSO0zum2Kmof14vKNvMG0w
HQYDVR0OBBYEFDQYRY8Bn3KIqpSImFUiHh/Z9hpUMB8GA1UdIwQYMBaAFDQYRY8B
n3KIqpSImFUiHh/Z9hpUMA8GA1UdEwEB/wQFMAMBAf8wGgYDVR0RBBMwEYIJbG9j
YWxob3N0hwR/AAABMAoGCCqGSM49BAMCA0cAMEQCIEbOR29Y8O4JlJmb3rIF8jik
J0JKE58W3LeaDMdMujXAAiBTemPV/f0OdeOG+iqCa2wBBvpyDiAEcS3U0Cme9PZ2
ZqQCBACmCwQJbG9jYWxob3N0qQQCAhwgqiIEIG7gJx9VjqbBieZCK7DvqEITKsse
6bnytW8pbTZOY3dKrgcCBQCQHWQ2rwQCAkAAswMCAR0=
-----END SSL SESSION PARAMETERS-----
`;

/** from shared/golden/openssl-3.0/sessions/ed13.sess_id.txt (`openssl sess_id -text -noout`, OpenSSL 3.0.19) */
export const ed13SessIdText = `SSL-Session:
    Protocol  : TLSv1.3
    Cipher    : TLS_AES_256_GCM_SHA384
    Session-ID: A5B93D47E6D22FA8FFF4425DEEC8EFF6058E94FF9808290B6672026E22E3315F
    Session-ID-ctx: 
    Resumption PSK: DAD57195789D183A419062ECAADBF5FF5F6EF8377E2F793238F4C37718766CDCC0E073EDEB048F89365B010E18DAE983
    PSK identity: None
    PSK identity hint: None
    SRP username: None
    TLS session ticket lifetime hint: 7200 (seconds)
    TLS session ticket:
    0000 - 6e e0 27 1f 55 8e a6 c1-89 e6 42 2b b0 ef a8 42   n.'.U.....B+...B
    0010 - 13 2a cb 1e e9 b9 f2 b5-6f 29 6d 36 4e 63 77 4a   .*......o)m6NcwJ

    Start Time: 1795303946
    Timeout   : 7200 (sec)
    Verify return code: 0 (ok)
    Extended master secret: no
    Max Early Data: 16384
`;

/** from shared/golden/openssl-3.0/sessions/rsakx12.pem, written by OpenSSL 3.0.19 */
export const rsakx12Pem = `-----BEGIN SSL SESSION PARAMETERS-----
MIIETQIBAQICAwMEAgCcBCAXUTR2pI1kHCYOuBa65ZDOaW502REBQlzBREEQvUsN
fAQwIX5rH0pVmT+aBuWtim47zItABnNEKLqmC8l16wp6sHbtmJTOfOElZ6cynDds
v+rZoQYCBGsCKzWiBAICHCCjggMNMIIDCTCCAfGgAwIBAgIUWCJcc+B91zaCGC9e
fWlG/XVipfYwDQYJKoZIhvcNAQELBQAwFDESMBAGA1UEAwwJbG9jYWxob3N0MB4X
DTI2MTEyMTIzMzcyNFoXDTI2MTIyMTIzMzcyNFowFDESMBAGA1UEAwwJbG9jYWxo
b3N0MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAsJINlL9xDvQlAC0d
4YtwAJ6BauYg/nxzT01yLjbZYEaTcMs0Nr+8sqPoISHvLPxHTxa+DIQLxv9Coece
ahmx6E+Ba/tNZFv0zoTTzgDUB5FLXhRxe2JEKzSYv8AFlRmS0YLrXUWofTAtJmLB
oWeV4WJd59wL1F3y4luhxGeDsSwC0LsevnH7z+EO62SAGTLAetEPk5kYiqGaxulg
bQ5hXoMCXnx3IXYCuxpA+QfUMv6QBUtXeOuhFtB5/xxku5JrN9cIo9zZgvhnqxhC
2xaU79jrATL3AqjeKLXpK15bVkDyKsafRa5YCKCwA4ne3881Y+rLLmz/dPSL5IJo
Jwo8kQIDAQABo1MwUTAdBgNVHQ4EFgQUajqBgY7HjnXcWDjtZmM6NxK8Tp8wHwYD
VR0jBBgwFoAUajqBgY7HjnXcWDjtZmM6NxK8Tp8wDwYDVR0TAQH/BAUwAwEB/zAN
BgkqhkiG9w0BAQsFAAOCAQEAJIBTgq1mCaDIRuvmL3w6/7r5ASfsYT6q6DvFqALk
keqZp+7KUWOLmYezZToGgpKSaKOUEK7v6FzMSDb81fxcZe5mkAv7KiKvOY8Cnzmp
r5FbaGdY4RE+Rsg3+D063eGlKZekBP5TY/fBlk47lJ6P9jhCvBwEksIOirFfc1I8
JGbZCNwnoex9rHe3W2kesYlkGCellgK3v2pjJhU34IBwDR20xXx0WeN7IeHl9laB
tsODp9Mh2MflBAEgkgCcYjoGOWxsGnmPAYTqW+xA5bs/hZn4wqstIdtNFihLTHFK
UA9IOg3sCaUEmM3TqNukF3l8td2znXt/RdKhs7nLQERy2aQCBAClAwIBEqkEAgIc
IKqBswSBsAs1ZIW89nmyoIjci/yVDpK6981ChVj4xE0lErRRiuP2ViFdnf4UsQdL
ZZakuaVritXMf7TwigjL1swnobayyFpZBnBPBGPPFCj4456zKPCyX8AJUDKNJhtx
wTrD3k1Rb5LDIbHEt8icY2Xl8ijokUBM49tQgw/bZP64ZWSEJLEu3WSMiM9u12j+
6tUUCFo6JTHW3UI/n0u/Eh5D/65wfo7HFbjZYrt5asBk5MNeM93trQMCAQGzAwIB
AA==
-----END SSL SESSION PARAMETERS-----
`;

/** from shared/golden/openssl-3.0/sessions/rsakx12.sess_id.txt (`openssl sess_id -text -noout`, OpenSSL 3.0.19) */
export const rsakx12SessIdText = `SSL-Session:
    Protocol  : TLSv1.2
    Cipher    : AES128-GCM-SHA256
    Session-ID: 17513476A48D641C260EB816BAE590CE696E74D91101425CC1444110BD4B0D7C
    Session-ID-ctx: 
    Master-Key: 217E6B1F4A55993F9A06E5AD8A6E3BCC8B4006734428BAA60BC975EB0A7AB076ED9894CE7CE12567A7329C376CBFEAD9
    PSK identity: None
    PSK identity hint: None
    SRP username: None
    TLS session ticket lifetime hint: 7200 (seconds)
    TLS session ticket:
    0000 - 0b 35 64 85 bc f6 79 b2-a0 88 dc 8b fc 95 0e 92   .5d...y.........
    0010 - ba f7 cd 42 85 58 f8 c4-4d 25 12 b4 51 8a e3 f6   ...B.X..M%..Q...
    0020 - 56 21 5d 9d fe 14 b1 07-4b 65 96 a4 b9 a5 6b 8a   V!].....Ke....k.
    0030 - d5 cc 7f b4 f0 8a 08 cb-d6 cc 27 a1 b6 b2 c8 5a   ..........'....Z
    0040 - 59 06 70 4f 04 63 cf 14-28 f8 e3 9e b3 28 f0 b2   Y.pO.c..(....(..
    0050 - 5f c0 09 50 32 8d 26 1b-71 c1 3a c3 de 4d 51 6f   _..P2.&.q.:..MQo
    0060 - 92 c3 21 b1 c4 b7 c8 9c-63 65 e5 f2 28 e8 91 40   ..!.....ce..(..@
    0070 - 4c e3 db 50 83 0f db 64-fe b8 65 64 84 24 b1 2e   L..P...d..ed.$..
    0080 - dd 64 8c 88 cf 6e d7 68-fe ea d5 14 08 5a 3a 25   .d...n.h.....Z:%
    0090 - 31 d6 dd 42 3f 9f 4b bf-12 1e 43 ff ae 70 7e 8e   1..B?.K...C..p~.
    00a0 - c7 15 b8 d9 62 bb 79 6a-c0 64 e4 c3 5e 33 dd ed   ....b.yj.d..^3..

    Start Time: 1795304245
    Timeout   : 7200 (sec)
    Verify return code: 18 (self-signed certificate)
    Extended master secret: yes
`;
