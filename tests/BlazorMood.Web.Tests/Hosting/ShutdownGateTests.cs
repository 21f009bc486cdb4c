using BlazorMood.Web.Hosting;
using Microsoft.AspNetCore.Http;

namespace BlazorMood.Web.Tests.Hosting;

public sealed class ShutdownGateTests
{
    [Fact]
    public async Task Requests_pass_while_the_server_runs()
    {
        var http = new DefaultHttpContext();
        var called = false;

        await ShutdownGate.Gate(http, _ => { called = true; return Task.CompletedTask; }, CancellationToken.None);

        Assert.True(called);
        Assert.Equal(StatusCodes.Status200OK, http.Response.StatusCode);
    }

    [Fact]
    public async Task Once_stopping_new_requests_are_told_to_come_back_later_on_another_connection()
    {
        using var stopping = new CancellationTokenSource();
        await stopping.CancelAsync();
        var http = new DefaultHttpContext();
        var called = false;

        await ShutdownGate.Gate(http, _ => { called = true; return Task.CompletedTask; }, stopping.Token);

        Assert.False(called);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, http.Response.StatusCode);
        Assert.Equal("2", http.Response.Headers.RetryAfter.ToString());
        Assert.Equal("close", http.Response.Headers.Connection.ToString());
    }
}
