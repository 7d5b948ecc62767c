import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react'
import { api } from './api.js'

const AppContext = createContext(null)

export const EMPTY_BOX = {
  items: [],
  recipeCount: 0,
  servingCount: 0,
  promo: null,
  subtotal: 0,
  discount: 0,
  delivery: 0,
  deliveryFreeBecause: null,
  total: 0,
  minRecipes: 2,
  maxRecipes: 5,
}

let nextToastId = 1

export function AppProvider({ children }) {
  const [user, setUser] = useState(null)
  const [userLoaded, setUserLoaded] = useState(false)
  // the box is loaded once per page load; every change returns the new box
  const [box, setBox] = useState(null)
  const [toasts, setToasts] = useState([])

  const refreshUser = useCallback(async () => {
    try {
      const data = await api('/me')
      setUser(data.user)
    } catch {
      setUser(null)
    } finally {
      setUserLoaded(true)
    }
  }, [])

  useEffect(() => {
    refreshUser()
    api('/box')
      .then((data) => setBox(data.box))
      .catch(() => setBox(EMPTY_BOX))
  }, [refreshUser])

  const notify = useCallback((message, variant = 'dark') => {
    const id = nextToastId++
    setToasts((list) => [...list, { id, message, variant }])
    setTimeout(() => setToasts((list) => list.filter((t) => t.id !== id)), 3000)
  }, [])

  const dismiss = useCallback((id) => setToasts((list) => list.filter((t) => t.id !== id)), [])

  const value = useMemo(
    () => ({ user, setUser, userLoaded, refreshUser, box, setBox, toasts, notify, dismiss }),
    [user, userLoaded, refreshUser, box, toasts, notify, dismiss],
  )
  return <AppContext.Provider value={value}>{children}</AppContext.Provider>
}

export function useApp() {
  return useContext(AppContext)
}
