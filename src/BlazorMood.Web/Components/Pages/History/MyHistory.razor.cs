using BlazorMood.Web.History;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using BlazorMood.Accounts;
using BlazorMood.Playback;
using BlazorMood.Music.Context;

namespace BlazorMood.Web.Components.Pages.History;

/// <summary>
/// The signed-in user's history: emotion timeline, uploaded videos' activity jobs, plays and feedback by day, over the
/// last day, week or month; and "delete my data", which removes all of it after a confirmation.
/// </summary>
public sealed partial class MyHistory : IDisposable
{
    public static readonly (TimeSpan Period, string Label)[] Periods =
        [(TimeSpan.FromDays(1), "24 hours"), (TimeSpan.FromDays(7), "7 days"), (TimeSpan.FromDays(30), "30 days")];

    private readonly CancellationTokenSource _lifetime = new();
    private TimeSpan _period = Periods[1].Period;
    private HistorySnapshot? _snapshot;
    private DeletedData? _deleted;
    private string? _error;
    private bool _busy;
    private string? _userId;

    [Inject]
    private IUserHistory UserHistory { get; set; } = default!;

    [Inject]
    private AuthenticationStateProvider Authentication { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    [Inject]
    private ILogger<MyHistory> Logger { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _userId = OwnerIdentity.Of((await Authentication.GetAuthenticationStateAsync()).User);
        await LoadAsync();
    }

    private async Task SelectPeriodAsync(TimeSpan period)
    {
        _period = period;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        if (_userId is null)
        {
            return;
        }
        try
        {
            _snapshot = await UserHistory.GetAsync(_userId, _period, _lifetime.Token);
            _error = null;
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
            // The page is gone.
        }
    }

    private async Task DeleteAllAsync()
    {
        if (_userId is null || _busy)
        {
            return;
        }
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            "Delete all my data?",
            "This deletes your recorded emotions, your uploaded videos and their analyses, your likes, skips and plays, "
            + "and what the recommender has learnt about you. Your account stays. This cannot be undone.",
            yesText: "Delete everything", cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }
        _busy = true;
        try
        {
            _deleted = await UserHistory.DeleteAllAsync(_userId, _lifetime.Token);
            _error = null;
            // Say what was deleted at once; the page's data reloads after.
            StateHasChanged();
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or Microsoft.EntityFrameworkCore.DbUpdateException or System.Data.Common.DbException)
        {
            LogDeleteFailed(Logger, e, _userId);
            _error = "Deleting your data did not finish: " + e.Message + " Try again; what was deleted stays deleted.";
        }
        finally
        {
            _busy = false;
        }
        await LoadAsync();
    }

    public void Dispose()
    {
        _lifetime.Cancel();
        _lifetime.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Deleting the data of {UserId} failed")]
    private static partial void LogDeleteFailed(ILogger logger, Exception exception, string userId);
}
