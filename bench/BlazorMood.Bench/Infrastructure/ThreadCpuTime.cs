using System.Runtime.InteropServices;

namespace BlazorMood.Bench.Infrastructure;

/// <summary>
/// CPU time of the calling thread (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>). With one intra-op thread ONNX Runtime computes
/// on the caller, so this is the work a frame costs, without the time the thread waited for a core on a loaded machine.
/// </summary>
internal static class ThreadCpuTime
{
    private const int ClockThreadCpuTimeId = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    public static bool Available { get; } = OperatingSystem.IsLinux() && Try(out _);

    /// <summary>Milliseconds of CPU this thread has used.</summary>
    public static double NowMs() => Try(out var ms) ? ms : double.NaN;

    private static bool Try(out double ms)
    {
        try
        {
            if (ClockGetTime(ClockThreadCpuTimeId, out var t) == 0)
            {
                ms = (t.Seconds * 1e3) + (t.Nanoseconds / 1e6);
                return true;
            }
        }
        catch (DllNotFoundException)
        {
        }
        catch (EntryPointNotFoundException)
        {
        }
        ms = double.NaN;
        return false;
    }
}
