namespace BlazorMood.Web.Tests.Security;

/// <summary>The security probe suite shares one live host (starting the app and its models is the slow part).</summary>
[CollectionDefinition(Name)]
public sealed class SecurityCollection : ICollectionFixture<SecurityServerFixture>
{
    public const string Name = "Security";
}
