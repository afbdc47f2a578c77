# scripts/gdb/rumpk.py — kernel-aware gdb commands for rumpk, the same on every target.
#
#   info stages        what each boot stage did (boot_stage_log)
#   info fibers [-bt]  every fiber: id, name, state, priority, where it waits; -bt unwinds
#                      each one that is not running down to its entry function
#   info rings         every ring the kernel serves (ring_watch_list): fill, indices, peak
#   info procs         every process: pid, parent, name, state, address space, provenance id
#
# Loaded by `make debug` (scripts/debug.sh) on the sim and on QEMU, or by hand:
# `source scripts/gdb/rumpk.py`. It reads the kernel's own structures through their symbols
# and debug types only: no offset, size or register layout is written here. A suspended
# fiber's registers are found through `struct hal_switch_frame`, which each HAL declares to
# match what its switch.S pushes (fields named after the machine's registers, `pc` the
# resume address).
#
# On QEMU (7.2) the gdb stub reads memory at the CPU's current privilege level: stop in the
# kernel (a kernel breakpoint) before using these commands, not while user code runs.
import gdb

STATE_NAMES = {1: "runnable", 2: "running", 3: "sleeping", 4: "waiting", 5: "zombie"}
STAGE_STATES = {0: "pending", 1: "running", 2: "ok", 3: "FAILED"}
PROC_STATES = {1: "live", 2: "zombie"}


def sym(name, file=None):
    """A kernel variable by name (a file-static one by 'file.c'::name)."""
    expr = "'%s'::%s" % (file, name) if file else name
    return gdb.parse_and_eval(expr)


def cstr(v, limit=64):
    try:
        if int(v) == 0:
            return "?"
        return v.string(length=limit).split("\0")[0]
    except gdb.error:
        return "?"


def carray(v):
    """A char array field as a Python string."""
    try:
        return v.string().split("\0")[0]
    except (gdb.error, UnicodeDecodeError):
        return bytes(int(v[i]) for i in range(v.type.sizeof)).split(b"\0")[0].decode(
            "latin-1")


def where(addr):
    """A kernel address as symbol+offset (or hex)."""
    if addr == 0:
        return "0"
    try:
        s = gdb.execute("info symbol %#x" % addr, to_string=True).strip()
        if s.startswith("No symbol"):
            return "%#x" % addr
        return s.split(" in section")[0].replace(" + ", "+")
    except gdb.error:
        return "%#x" % addr


def func_name(addr):
    b = gdb.block_for_pc(addr)
    while b and not b.function:
        b = b.superblock
    return b.function.name if b and b.function else where(addr)


def fibers():
    f = sym("all_fibers", "sched.c")
    n = 0
    while int(f) != 0 and n < 100000:
        yield f.dereference()
        f = f["all_next"]
        n += 1


def current_fiber():
    return int(sym("cpu0", "sched.c")["current"])


class Info(gdb.Command):
    def __init__(self, name):
        super().__init__("info " + name, gdb.COMMAND_STATUS)


class InfoStages(Info):
    """info stages — what each boot stage did: name, state, time, and its detail."""

    def __init__(self):
        super().__init__("stages")

    def invoke(self, arg, from_tty):
        log, n = sym("boot_stage_log"), int(sym("boot_stage_log_count"))
        print("%-3s %-10s %-8s %10s  %s" % ("#", "STAGE", "STATE", "TIME(ms)", "DETAIL"))
        for i in range(n):
            r = log[i]
            st = STAGE_STATES.get(int(r["state"]), str(int(r["state"])))
            ms = "%.3f" % (int(r["ns"]) / 1e6) if int(r["state"]) >= 2 else "-"
            detail = carray(r["detail"])
            if int(r["err"]):
                detail += " (error %d)" % int(r["err"])
            print("%-3d %-10s %-8s %10s  %s" % (i + 1, cstr(r["name"]), st, ms, detail))
        if n == 0:
            print("(no stage has run yet: core_main has not reached its stages)")


class SwitchFrame:
    """Reads a suspended fiber's registers from the HAL's struct hal_switch_frame."""

    def __init__(self):
        self.t = gdb.lookup_type("struct hal_switch_frame")

    def regs(self, fiber):
        sp = int(fiber["ctx"]["sp"])
        fr = gdb.Value(sp).cast(self.t.pointer()).dereference()
        regs = {}
        frame = gdb.newest_frame()
        for fld in self.t.fields():
            try:
                frame.read_register(fld.name)  # a field that names no register (padding)
            except (ValueError, gdb.error):
                continue
            regs[fld.name] = int(fr[fld.name])
        regs["sp"] = sp + self.t.sizeof
        return regs


def with_registers(regs, fn):
    """Runs fn with the selected thread's registers set to regs, then puts them back."""
    gdb.execute("select-frame 0", to_string=True)
    frame = gdb.selected_frame()
    saved = {}
    for r in regs:
        saved[r] = int(frame.read_register(r))
    try:
        for r, v in regs.items():
            gdb.execute("set $%s = %#x" % (r, v), to_string=True)
        return fn()
    finally:
        for r, v in saved.items():
            gdb.execute("set $%s = %#x" % (r, v), to_string=True)
        gdb.execute("select-frame 0", to_string=True)


def backtrace_to(entry_names, limit=40):
    """The current stack as 'function' names, up to and including an entry function."""
    out = []
    f = gdb.newest_frame()
    while f is not None and len(out) < limit:
        if int(f.pc()) == 0:
            break  # the outermost frame of a trap path (a user thread's kernel stack)
        name = f.name() or where(int(f.pc()))
        sal = f.find_sal()
        loc = ""
        if sal.symtab:
            loc = " at %s:%d" % (sal.symtab.filename.split("/")[-1], sal.line)
        out.append("%s%s" % (name, loc))
        if name in entry_names:
            break
        try:
            f = f.older()
        except gdb.error:
            break
    return out


class InfoFibers(Info):
    """info fibers [-bt] — every fiber: id, name, state, priority, where it waits.
With -bt, each fiber's stack down to its entry function."""

    def __init__(self):
        super().__init__("fibers")

    def invoke(self, arg, from_tty):
        bt = arg.strip() == "-bt"
        if arg.strip() not in ("", "-bt"):
            raise gdb.GdbError("usage: info fibers [-bt]")
        cur = current_fiber()
        print("%-4s %-16s %-9s %4s %9s %10s  %s" %
              ("ID", "NAME", "STATE", "PRIO", "SWITCHES", "CPU(ms)", "WAITING ON / ENTRY"))
        rows = []
        for f in fibers():
            addr = int(f.address)
            state = int(f["state"])
            if addr == cur:
                state = 2
            st = STATE_NAMES.get(state, str(state))
            entry = func_name(int(f["fn"])) if int(f["fn"]) else "core_main"
            if state == 4:
                waiting = "waitq " + where(int(f["wq"]))
            elif state == 3:
                waiting = "until %d ns" % int(f["wake_at"])
            else:
                waiting = ""
            cpu = "%.3f" % (int(f["cpu_ns"]) / 1e6) if int(f["user"]) else "-"
            print("%-4d %-16s %-9s %4d %9d %10s  %s" %
                  (int(f["id"]), cstr(f["name"]), st, int(f["prio"]), int(f["switches_in"]),
                   cpu, (waiting + "; " if waiting else "") + "entry " + entry))
            rows.append((f, addr, state, entry))
        if not bt:
            return
        try:
            sw = SwitchFrame()
        except gdb.error:
            raise gdb.GdbError("this kernel has no struct hal_switch_frame in its debug info")
        entries = ("fiber_entry", "core_main")
        for f, addr, state, entry in rows:
            print("\nfiber %d (%s), %s:" % (int(f["id"]), cstr(f["name"]),
                                            STATE_NAMES.get(state, "?")))
            if state == 5:
                print("  (exited)")
                continue
            if addr != cur and int(f["switches_in"]) == 0 and int(f["stack"]):
                print("  (not started: its first switch runs %s)" % entry)
                continue
            names = (entry,) + entries
            if addr == cur:
                frames = backtrace_to(names)
            else:
                frames = with_registers(sw.regs(f), lambda: backtrace_to(names))
            for i, fr in enumerate(frames):
                print("  #%-2d %s" % (i, fr))


class InfoRings(Info):
    """info rings — every ring the kernel serves: unit, capacity, indices, fill, peak."""

    def __init__(self):
        super().__init__("rings")

    def invoke(self, arg, from_tty):
        w = sym("ring_watch_list")
        print("%-16s %-7s %8s %10s %10s %6s %6s %8s" %
              ("RING", "UNIT", "CAPACITY", "TAIL", "HEAD", "FILL", "PEAK", "NOTES"))
        n = 0
        while int(w) != 0 and n < 10000:
            r = w.dereference()
            tail, head = int(r["tail"].dereference()), int(r["head"].dereference())
            cap = int(r["capacity"])
            fill = min((tail - head) & 0xffffffff, cap)
            unit = {1: "packets", 2: "bytes"}.get(int(r["unit"]), "?")
            print("%-16s %-7s %8d %10d %10d %6d %6d %8d" %
                  (carray(r["name"]), unit, cap, tail, head, fill, int(r["peak"]),
                   int(r["notes"])))
            w = r["next"]
            n += 1
        if n == 0:
            print("(no rings yet)")


class InfoProcs(Info):
    """info procs — every process: pid, parent, name, state, address space, provenance."""

    def __init__(self):
        super().__init__("procs")

    def invoke(self, arg, from_tty):
        procs = sym("procs", "proc.c")
        count = procs.type.range()[1] + 1
        print("%-5s %-5s %-14s %-7s %-8s %-43s %s" %
              ("PID", "PPID", "NAME", "STATE", "THREAD", "SPACE", "PROV"))
        shown = 0
        for i in range(count):
            p = procs[i]
            state = int(p["slot_state"])
            if state == 0:
                continue
            th = int(p["thread"])
            thread = "-"
            if th:
                fib = gdb.Value(th).cast(gdb.lookup_type("struct uthread").pointer())["fiber"]
                thread = "fiber %d" % int(fib["id"])
            space = "user %#x-%#x image %#x-%#x heap %dK" % (
                int(p["user_lo"]), int(p["user_hi"]), int(p["base"]), int(p["image_end"]),
                (int(p["heap_end"]) - int(p["heap_lo"])) // 1024)
            st = PROC_STATES.get(state, str(state))
            if state == 2:
                st += " %d" % int(p["status"])
            print("%-5d %-5d %-14s %-7s %-8s %-43s %016x" %
                  (int(p["pid"]), int(p["ppid"]), carray(p["name"]), st, thread, space,
                   int(p["prov"])))
            shown += 1
        if shown == 0:
            print("(no processes)")


InfoStages()
InfoFibers()
InfoRings()
InfoProcs()
