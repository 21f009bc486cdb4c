using System.ComponentModel.DataAnnotations;

namespace BlazorMood.Data.Jobs;

/// <summary>The job engine shared by every kind of background job, bound from the <c>JobEngine</c> section.</summary>
public sealed class JobEngineOptions
{
    public const string SectionName = "JobEngine";

    /// <summary>
    /// This node's id in the engine's cluster (default: the feature's node name, else the machine name). Every process
    /// sharing one database needs its own; a process that comes back under the same name takes its predecessor's
    /// interrupted jobs back at once instead of after <see cref="CheckinInterval"/> + <see cref="CheckinMisfireThreshold"/>.
    /// </summary>
    [MaxLength(64)]
    public string? NodeName { get; set; }

    /// <summary>How often a running node records in the database that it is alive.</summary>
    public TimeSpan CheckinInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long past a missed check-in the other nodes wait before they count a node as dead and run its interrupted
    /// jobs again. A node is given up after roughly <see cref="CheckinInterval"/> + this.
    /// </summary>
    public TimeSpan CheckinMisfireThreshold { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long an idle node waits before it looks in the database again for jobs another node scheduled (an upload
    /// taken by a web node and run by a worker). Jobs this node schedules itself start at once. Quartz's own default is
    /// 30 s, too long for a video someone waits for; each look is one small query.
    /// </summary>
    public TimeSpan IdleWaitTime { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The node name actually used: <see cref="NodeName"/>, else the machine name, at most 64 characters.</summary>
    public string ResolvedNodeName
    {
        get
        {
            var name = string.IsNullOrWhiteSpace(NodeName) ? Environment.MachineName : NodeName.Trim();
            return name.Length > 64 ? name[..64] : name;
        }
    }
}

/// <summary>
/// One kind of job the engine runs, with its own concurrency limit per node (an execution group of the scheduler):
/// a long video analysis never waits for a free slot behind track analyses, nor the other way round.
/// </summary>
/// <param name="Group">The job key group and execution group of this kind's jobs.</param>
/// <param name="MaxConcurrentPerNode">At most this many of this kind run at once on one node.</param>
public sealed record JobKind(string Group, int MaxConcurrentPerNode);
