namespace PartnerWeb.Auth;

public static class AuthSchemes
{
    /// <summary>Picks bearer for <c>/api</c> and the cookie for pages.</summary>
    public const string Default = "BearerOrCookie";
    public const string Bearer = "Bearer";
    public const string Cookie = "Cookie";
}
