"""PHOLD in SimPy 2.x (Debian python3-simpy): 1,000 LPs, 10 events each in flight, exponential
delays (mean 1 us), each event forwarded to a uniformly random LP. Prints events_per_s.
Each in-flight event is a SimPy process that holds for the delay and then moves to a new LP.
All draws come from one seeded stream, as in phold.ts (one Rng stream for the whole model)."""
import random
import sys
import time

from SimPy.Simulation import Process, activate, hold, initialize, simulate, stopSimulation

LPS, PER_LP, MEAN = 1000, 10, 1000.0
target = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
processed = [0] * LPS
count = [0]
rnd = random.Random(1)


class Event(Process):
    def run(self, lp):
        while True:
            yield hold, self, rnd.expovariate(1.0 / MEAN)
            processed[lp] += 1
            lp = rnd.randrange(LPS)
            count[0] += 1
            if count[0] >= target:
                stopSimulation()


initialize()
for lp in range(LPS):
    for k in range(PER_LP):
        e = Event()
        activate(e, e.run(lp))
t0 = time.perf_counter()
c0 = time.process_time()
simulate(until=1e18)
dt = time.perf_counter() - t0
dc = time.process_time() - c0
print("events_per_s %.1f events_per_cpu_s %.1f" % (count[0] / dt, count[0] / dc))
