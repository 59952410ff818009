#!/usr/bin/env python3
# Per-voice, per-rate WER table (picked, generic) from VOICEAGENT_BENCH_ASR_DUMP lines: python3 bench/asr-dump-table.py DUMP...
import sys
rows=[]
for f in sys.argv[1:]:
    for line in open(f):
        p=line.rstrip('\n').split('\t')
        rows.append(dict(rate=int(p[0]),set=p[1],voice=p[2],words=int(p[4]),ge=int(p[5]),de=int(p[6]),diff=int(p[8])-int(p[7])))
def w(rs,k):
    n=sum(r['words'] for r in rs); 
    return sum(r[k] for r in rs)/n if n else None
def pk(rs):
    n=sum(r['words'] for r in rs)
    return sum(r['de'] if r['diff']>0 else r['ge'] for r in rs)/n if n else None
def cell(rs):
    if not rs: return '—'
    return f"{pk(rs):.3f} ({w(rs,'ge'):.3f})"
voices=['flite kal','flite slt','flite rms','flite awb','espeak-ng en-us','espeak-ng en-gb']
print("| voice, audio | in-domain: tune / held out | paraphrase: tune / held out | out-of-domain: tune / held out |")
print("|---|---|---|---|")
for rate in (16,8):
  for v in voices+['all flite','all espeak-ng']:
    sel=[r for r in rows if r['rate']==rate and (r['voice']==v or (v=='all flite' and r['voice'].startswith('flite')) or (v=='all espeak-ng' and r['voice'].startswith('espeak')))]
    cs=[]
    for s in ('in-domain','paraphrase','out-of-domain'):
        a=[r for r in sel if r['set']==s]; b=[r for r in sel if r['set']==s+' (held out)']
        cs.append(f"{cell(a)} / {cell(b)}")
    name=f"**{v}**" if v.startswith('all') else v
    print(f"| {name}, {'16 kHz' if rate==16 else '8 kHz µ-law'} | "+" | ".join(cs)+" |")
print()
print("| real recordings | 16 kHz: picked (generic) | 8 kHz µ-law: picked (generic) |")
print("|---|---|---|")
for s in ('real speech','real speech (held out)','real commands','real commands (held out)'):
    c=[cell([r for r in rows if r['rate']==rate and r['set']==s]) for rate in (16,8)]
    print(f"| {s} | {c[0]} | {c[1]} |")
