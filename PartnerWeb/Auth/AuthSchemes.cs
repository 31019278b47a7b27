namespace PartnerWeb.Auth;

public static class AuthSchemes
{
    /// <summary>Picks bearer for <c>/api</c> and the cookie for pages.</summary>
    public const string Default = "BearerOrCookie";

    /// <summary>The API's scheme: a token from <see cref="BearerToken"/> whose user still matches it (<see cref="CheckedBearerHandler"/>).</summary>
    public const string Bearer = "Bearer";

    /// <summary>ASP.NET Core's bearer token handler: reads and issues tokens, knows nothing of the database.</summary>
    public const string BearerToken = "BearerToken";

    public const string Cookie = "Cookie";
}
