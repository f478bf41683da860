#!/usr/bin/python3
"""Independent check of captured TEEP traffic: reassembles the HTTP bodies in a teepsim pcap
(point-to-point link, PPP framing), decodes them with cbor2 and verifies every COSE_Sign1 with
the exported PEM public keys using python3-cryptography (not teepsim's codec).

usage: verify_pcap.py PCAP KEYDIR   exit 0 when at least one TEEP message of each of the types
QueryRequest, QueryResponse, Update and Success was seen and every signature verified.
"""
import struct, sys, cbor2, glob
from cryptography.hazmat.primitives import serialization, hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, utils
def packets(path):
    d=open(path,'rb').read(); off=24
    while off < len(d):
        _,_,incl,_=struct.unpack('<IIII',d[off:off+16]); off+=16
        yield d[off:off+incl]; off+=incl
streams={}
for p in packets(sys.argv[1]):
    # PPP header (2 bytes) + IPv4 + TCP
    ip=p[2:]; ihl=(ip[0]&15)*4; tcp=ip[ihl:]; doff=(tcp[12]>>4)*4; payload=tcp[doff:]
    if not payload: continue
    key=(ip[12:16],tcp[0:2],ip[16:20],tcp[2:4])
    streams.setdefault(key,b''); streams[key]+=payload
keys={}
for f in glob.glob(sys.argv[2]+'/*.pem'):
    keys[f]=serialization.load_pem_public_key(open(f,'rb').read())
ok=bad=0; types={}
for k,data in streams.items():
    while b'\r\n\r\n' in data:
        head,rest=data.split(b'\r\n\r\n',1)
        cl=0
        for line in head.split(b'\r\n'):
            if line.lower().startswith(b'content-length:'): cl=int(line.split(b':')[1])
        body,data=rest[:cl],rest[cl:]
        if not body: continue
        try: obj=cbor2.loads(body)
        except Exception: continue
        if isinstance(obj,cbor2.CBORTag) and obj.tag==18:
            prot,unprot,payload,sig=obj.value
            tosign=cbor2.dumps(["Signature1",prot,b"",payload])
            verified=False
            for f,key in keys.items():
                try:
                    if isinstance(key,ed25519.Ed25519PublicKey): key.verify(sig,tosign)
                    else: key.verify(utils.encode_dss_signature(int.from_bytes(sig[:32],'big'),int.from_bytes(sig[32:],'big')),tosign,ec.ECDSA(hashes.SHA256()))
                    verified=True; break
                except Exception: pass
            ok+=verified; bad+= not verified
            msg=cbor2.loads(payload); t=msg[0] if isinstance(msg,list) else 'other'
            types[t]=types.get(t,0)+1
print("COSE_Sign1 verified:", ok, "failed:", bad, "TEEP types:", types)
sys.exit(0 if bad == 0 and all(types.get(t, 0) > 0 for t in (1, 2, 3, 4)) else 1)
