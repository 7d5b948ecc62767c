import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react'
import { api, onSignedOut } from './api.js'

const AuthContext = createContext(null)

export function AuthProvider({ children }) {
  const [user, setUser] = useState(null)
  const [loaded, setLoaded] = useState(false)
  const [expired, setExpired] = useState(false)
  const [pendingCode, setPendingCode] = useState(false)

  const refresh = useCallback(async () => {
    try {
      const data = await api('/me')
      setUser(data.user)
      setPendingCode(Boolean(data.pendingCode))
      if (data.expired) setExpired(true)
      return data.user
    } catch {
      setUser(null)
      return null
    } finally {
      setLoaded(true)
    }
  }, [])

  useEffect(() => {
    refresh()
  }, [refresh])

  useEffect(
    () =>
      onSignedOut((wasExpired) => {
        setUser(null)
        if (wasExpired) setExpired(true)
      }),
    [],
  )

  const signedIn = useCallback((next) => {
    setUser(next)
    setExpired(false)
    setPendingCode(false)
  }, [])

  const signOut = useCallback(async () => {
    try {
      await api('/logout', { method: 'POST' })
    } finally {
      setUser(null)
      setExpired(false)
    }
  }, [])

  const value = useMemo(
    () => ({ user, setUser, loaded, expired, pendingCode, setPendingCode, refresh, signedIn, signOut }),
    [user, loaded, expired, pendingCode, refresh, signedIn, signOut],
  )
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>
}

export function useAuth() {
  return useContext(AuthContext)
}
