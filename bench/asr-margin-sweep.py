#!/usr/bin/env python3
# Margin sweep over VOICEAGENT_BENCH_ASR_DUMP lines of the asr-accuracy bench (bench/results/asr-accuracy-7.txt):
#   python3 bench/asr-margin-sweep.py DUMP... [--held] [--persec]
import sys, collections
# usage: sweep.py DUMP... [--held] [--persec]
args=[a for a in sys.argv[1:] if not a.startswith('--')]
held='--held' in sys.argv; persec='--persec' in sys.argv
rows=[]
for f in args:
    for line in open(f):
        p=line.rstrip('\n').split('\t')
        rate,st,voice,ref,words,ge,de,gs,ds,sec=p[:10]
        rows.append(dict(rate=int(rate),set=st,voice=voice,words=int(words),ge=int(ge),de=int(de),diff=int(ds)-int(gs),sec=float(sec)))
tune=['in-domain','paraphrase','out-of-domain']
sets=[s+' (held out)' for s in tune]+['real speech (held out)','real commands (held out)'] if held else tune+['real speech','real commands']
margins=[-1000,-500,-300,-200,-100,0,100,200,300,500,700,1000,1500,2000] if not persec else [-500,-200,-100,0,100,200,300,500,700,1000,1500]
for rate in (16,8):
  for group in ('all','flite','espeak'):
    sel=[r for r in rows if r['rate']==rate and (group=='all' or r['voice'].startswith(group))]
    if not sel: continue
    print(f"\n{rate} kHz, voices: {group}{' (margin per second of audio)' if persec else ''}")
    print("| margin | "+" | ".join(s for s in sets)+" |")
    for m in margins:
        cells=[]
        for s in sets:
            rs=[r for r in sel if r['set']==s]
            w=sum(r['words'] for r in rs)
            if not w: cells.append('-'); continue
            e=sum(r['de'] if r['diff']>(m*r['sec'] if persec else m) else r['ge'] for r in rs)
            cells.append(f"{e/w:.3f}")
        g=[]
        print(f"| {m} | "+" | ".join(cells)+" |")
    cells=[]
    for s in sets:
        rs=[r for r in sel if r['set']==s]; w=sum(r['words'] for r in rs)
        cells.append(f"{sum(r['ge'] for r in rs)/w:.3f}/{sum(r['de'] for r in rs)/w:.3f}" if w else '-')
    print("| generic/domain | "+" | ".join(cells)+" |")
