using System.Diagnostics.Metrics;
using BlazorMood.Diagnostics;

namespace BlazorMood.Web.Operations;

/// <summary>
/// The web host's own instruments on the app's meter (<see cref="MeterName"/>, shared with the live and video job
/// instruments of the domain projects) that the Prometheus endpoint exports.
/// </summary>
public sealed class BlazorMoodMetrics
{
    public const string MeterName = BlazorMoodMeter.Name;

    private readonly UpDownCounter<long> _activeCircuits;

    public BlazorMoodMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        // The factory owns (and disposes) the meter; every project asking for this name gets the same one.
        _activeCircuits = meters.Create(MeterName).CreateUpDownCounter<long>("blazormood.circuits.active", "{circuit}", "Blazor Server circuits open on this node.");
    }

    public void CircuitOpened() => _activeCircuits.Add(1);

    public void CircuitClosed() => _activeCircuits.Add(-1);
}
