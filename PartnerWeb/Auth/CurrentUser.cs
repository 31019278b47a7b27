namespace PartnerWeb.Auth;

/// <summary>
/// The caller of this request, read from its claims. Outside a request (jobs, webhooks)
/// there is no user and <see cref="Info"/> is null.
/// </summary>
public sealed class CurrentUser(IHttpContextAccessor accessor)
{
    private UserInfo? _info;
    private bool _read;

    public UserInfo? Info
    {
        get
        {
            if (!_read)
            {
                _info = accessor.HttpContext is { } http ? UserInfo.FromPrincipal(http.User) : null;
                _read = true;
            }
            return _info;
        }
    }

    public UserInfo Required => Info ?? throw new InvalidOperationException("This operation needs a signed-in user.");
}
