using Microsoft.AspNetCore.Components.Server.Circuits;

namespace BlazorMood.Web.Operations;

/// <summary>Keeps <c>blazormood.circuits.active</c> in step with the Blazor Server circuits of this node.</summary>
internal sealed class CircuitCounter(BlazorMoodMetrics metrics) : CircuitHandler
{
    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        metrics.CircuitOpened();
        return Task.CompletedTask;
    }

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        metrics.CircuitClosed();
        return Task.CompletedTask;
    }
}
