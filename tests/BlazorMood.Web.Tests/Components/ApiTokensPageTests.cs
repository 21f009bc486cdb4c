using Bunit;
using BlazorMood.Data;
using BlazorMood.Web.Accounts;
using BlazorMood.Web.Components.Pages.Account;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace BlazorMood.Web.Tests.Components;

/// <summary>The API tokens page over the real token service and a real (migrated) SQLite database.</summary>
[Trait("Category", "Integration")]
[Trait("Category", "Database")]
public sealed class ApiTokensPageTests : MudComponentTest, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "blazormood-tests", "tokens-" + Guid.NewGuid().ToString("n"));
    private readonly string _userId = Guid.NewGuid().ToString();

    public ApiTokensPageTests()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Data:DatabasePath"] = Path.Combine(_folder, "tokens.db") })
            .Build();
        Context.Services.AddData(configuration);
        Context.Services.AddOptions<AccountOptions>();
        Context.Services.AddSingleton<IApiTokens, ApiTokenService>();
        var contexts = Context.Services.GetRequiredService<IDbContextFactory<BlazorMoodDbContext>>();
        using (var db = contexts.CreateDbContext())
        {
            db.Database.Migrate();
            // Tokens belong to an existing account (foreign key).
            db.Users.Add(new IdentityUser { Id = _userId, UserName = "me@example.org", Email = "me@example.org" });
            db.SaveChanges();
        }
        SignIn(_userId);
    }

    private IApiTokens Tokens => Context.Services.GetRequiredService<IApiTokens>();

    [Fact]
    public async Task Creating_shows_the_token_once_and_lists_it_without_the_secret()
    {
        var cut = Context.Render<ApiTokens>();
        cut.WaitForElement("[data-testid=no-tokens]");

        cut.Find("input[data-testid=token-name], [data-testid=token-name] input").Input("backup script");
        cut.Find("[data-testid=token-create]").Click();

        var secret = cut.WaitForElement("[data-testid=new-token]").TextContent;
        Assert.StartsWith(ApiTokenService.TokenPrefix, secret, StringComparison.Ordinal);
        var row = Assert.Single(cut.FindAll("[data-testid=token-row]"));
        Assert.Contains("backup script", row.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, row.TextContent, StringComparison.Ordinal);
        Assert.Equal(_userId, (await Tokens.FindOwnerAsync(secret, CancellationToken.None))?.UserId);
        // Shown once: a fresh page lists the token but never shows the secret again.
        var again = Context.Render<ApiTokens>();
        again.WaitForAssertion(() => Assert.Single(again.FindAll("[data-testid=token-row]")));
        Assert.Empty(again.FindAll("[data-testid=new-token]"));
        Assert.DoesNotContain(secret, again.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void A_nameless_token_is_refused_with_a_reason()
    {
        var cut = Context.Render<ApiTokens>();
        cut.WaitForElement("[data-testid=no-tokens]");

        cut.Find("[data-testid=token-create]").Click();

        Assert.Contains("Give the token a name", cut.WaitForElement("[data-testid=token-error]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=token-row]"));
    }

    [Fact]
    public async Task Revoking_asks_first_and_then_the_token_stops_working()
    {
        var created = await Tokens.CreateAsync(_userId, "old script", null, CancellationToken.None);
        var dialogs = Context.Render<MudDialogProvider>();
        var cut = Context.Render<ApiTokens>();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=token-row]")));

        cut.Find("[data-testid=token-revoke]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("old script", dialogs.Markup, StringComparison.Ordinal));
        dialogs.FindAll("button").Single(b => b.TextContent.Contains("Keep it", StringComparison.Ordinal)).Click();
        Assert.NotNull(await Tokens.FindOwnerAsync(created.Token, CancellationToken.None));

        cut.Find("[data-testid=token-revoke]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Revoke this token?", dialogs.Markup, StringComparison.Ordinal));
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Revoke").Click();

        cut.WaitForElement("[data-testid=no-tokens]");
        Assert.Null(await Tokens.FindOwnerAsync(created.Token, CancellationToken.None));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // The temp folder is disposable anyway.
        }
    }
}
