using System.Diagnostics;
using System.Globalization;

namespace BlazorMood.Bench.Infrastructure;

/// <summary>
/// CPU time used so far by this process and by its finished child processes (ffmpeg), in seconds. Wall-clock figures
/// on a machine shared with other jobs say more about the other jobs than about the code; CPU seconds do not.
/// On Linux both come from <c>/proc/self/stat</c> (utime + stime, and cutime + cstime of the children that have been
/// waited for, which .NET does for every <see cref="Process"/> it started); elsewhere only this process is counted.
/// </summary>
public readonly record struct CpuClock(double SelfSeconds, double ChildrenSeconds)
{
    private const double TicksPerSecond = 100; // USER_HZ: 100 on every Linux ABI .NET supports.

    public double TotalSeconds => SelfSeconds + ChildrenSeconds;

    public static CpuClock Now()
    {
        const string stat = "/proc/self/stat";
        if (File.Exists(stat))
        {
            var text = File.ReadAllText(stat);
            // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            // fields[0] is field 3 (state); utime, stime, cutime, cstime are fields 14–17.
            double F(int field) => long.Parse(fields[field - 3], CultureInfo.InvariantCulture) / TicksPerSecond;
            return new CpuClock(F(14) + F(15), F(16) + F(17));
        }
        using var self = Process.GetCurrentProcess();
        return new CpuClock(self.TotalProcessorTime.TotalSeconds, 0);
    }

    public static CpuClock operator -(CpuClock a, CpuClock b) => new(a.SelfSeconds - b.SelfSeconds, a.ChildrenSeconds - b.ChildrenSeconds);

    public static CpuClock Subtract(CpuClock a, CpuClock b) => a - b;
}
