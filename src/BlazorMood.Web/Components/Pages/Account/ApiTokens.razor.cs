using System.Globalization;
using BlazorMood.Web.Accounts;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using BlazorMood.Accounts;
using BlazorMood.Playback;
using BlazorMood.Music.Context;

namespace BlazorMood.Web.Components.Pages.Account;

/// <summary>The signed-in user's API tokens: create one (its secret shown once), list them, revoke one (after a confirmation).</summary>
public sealed partial class ApiTokens : IDisposable
{
    private static readonly (int Days, string Label)[] Lifetimes = [(0, "Never"), (30, "In 30 days"), (90, "In 90 days"), (365, "In a year")];

    private readonly CancellationTokenSource _lifetime = new();
    private IReadOnlyList<ApiTokenInfo>? _tokens;
    private CreatedApiToken? _created;
    private string? _name;
    private int _lifetimeDays;
    private string? _error;
    private bool _busy;
    private string? _userId;

    [Inject]
    private IApiTokens Tokens { get; set; } = default!;

    [Inject]
    private AuthenticationStateProvider Authentication { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        var state = await Authentication.GetAuthenticationStateAsync();
        _userId = OwnerIdentity.Of(state.User);
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        if (_userId is null)
        {
            _tokens = [];
            return;
        }
        _tokens = await Tokens.ListAsync(_userId, _lifetime.Token);
    }

    private async Task CreateAsync()
    {
        if (_userId is null || _busy)
        {
            return;
        }
        _busy = true;
        _error = null;
        try
        {
            _created = await Tokens.CreateAsync(_userId, _name ?? "", _lifetimeDays > 0 ? TimeSpan.FromDays(_lifetimeDays) : null, _lifetime.Token);
            _name = null;
            await LoadAsync();
        }
        catch (ApiTokenException e)
        {
            _error = e.Message;
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task RevokeAsync(ApiTokenInfo token)
    {
        if (_userId is null || _busy)
        {
            return;
        }
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            "Revoke this token?",
            $"Scripts using \"{token.Name}\" ({token.Prefix}…) will be refused from now on. This cannot be undone.",
            yesText: "Revoke", cancelText: "Keep it");
        if (confirmed != true)
        {
            return;
        }
        _busy = true;
        try
        {
            await Tokens.RevokeAsync(_userId, token.Id, _lifetime.Token);
            if (_created?.Info.Id == token.Id)
            {
                _created = null;
            }
            await LoadAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    private static string When(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public void Dispose()
    {
        _lifetime.Cancel();
        _lifetime.Dispose();
    }
}
